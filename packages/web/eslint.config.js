// @ts-check
// ESLint 10 looks up the config nearest to each file: the root rules plus browser globals.
import root from "../../eslint.config.js";

const browserGlobals = Object.fromEntries(
  [
    "window",
    "document",
    "navigator",
    "self",
    "Worker",
    "MessageEvent",
    "getComputedStyle",
    "requestAnimationFrame",
    "cancelAnimationFrame",
    "HTMLElement",
    "HTMLDivElement",
    "HTMLCanvasElement",
    "HTMLAnchorElement",
    "SVGSVGElement",
    "Element",
    "Event",
    "KeyboardEvent",
    "DedicatedWorkerGlobalScope",
  ].map((name) => [name, "readonly"]),
);

export default [
  ...root,
  { files: ["**/*.{ts,tsx}"], languageOptions: { globals: browserGlobals } },
];
