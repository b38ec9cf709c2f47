// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Layers depend one way (ARCHITECTURE.md): api -> services -> repositories -> database; packages
// form a ladder (quantum, contract <- sdk, server <- cli; nothing imports web). Each folder gets
// one `no-restricted-imports` entry listing everything it may not reach (a later entry for the
// same file would replace an earlier one, so the lists are assembled here, not layered).
const pkg = (name, why) => ({
  regex: `^@stepfault/${name}(/.*)?$|^(\\.\\./)+${name}/`,
  message: why,
});
const NO_WEB = pkg("web", "Nothing imports the web app.");
const NO_SERVER = (who) =>
  pkg("server", `${who} must not depend on the server (no package cycles).`);
const NO_SDK = pkg(
  "sdk",
  "The server must not depend on the SDK (the SDK depends on the contract; a cycle otherwise).",
);
const NO_CLI = pkg("cli", "Only the cli package sits above server and sdk.");
const layer = (files, patterns) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns }] },
});
const serverPackage = [NO_WEB, NO_SDK, NO_CLI];
const layerRules = [
  layer(
    ["packages/quantum/**/*.ts"],
    [
      {
        regex:
          "^@stepfault/|^(\\.\\./)+(contract|server|sdk|cli|web|variational)/",
        message: "@stepfault/quantum depends on nothing of ours.",
      },
    ],
  ),
  layer(
    ["packages/contract/**/*.ts"],
    [
      {
        regex:
          "^@stepfault/(?!quantum$)|^(\\.\\./)+(server|sdk|cli|web|variational)/",
        message:
          "@stepfault/contract depends on nothing of ours but @stepfault/quantum (types).",
      },
    ],
  ),
  layer(["packages/sdk/src/**/*.ts"], [NO_WEB, NO_SERVER("The SDK"), NO_CLI]),
  layer(["packages/sdk/{test,bench}/**/*.ts"], [NO_WEB, NO_CLI]),
  layer(["packages/server/**/*.ts"], serverPackage),
  layer(
    ["packages/server/src/services/**/*.ts"],
    [
      ...serverPackage,
      {
        regex: "/api/",
        message:
          "Services never import the api layer (routes, plugins): api -> services only.",
      },
    ],
  ),
  layer(
    ["packages/server/src/repositories/**/*.ts"],
    [
      ...serverPackage,
      {
        regex: "/(api|services)/",
        message:
          "Repositories never import services or the api layer: services -> repositories only.",
      },
    ],
  ),
  layer(["packages/cli/**/*.ts", "packages/variational/**/*.ts"], [NO_WEB]),
];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.stepfault/**",
      "packages/server/drizzle/**",
      "bench-results/**",
      "**/test-results/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        Buffer: "readonly",
        SharedArrayBuffer: "readonly",
        Atomics: "readonly",
        structuredClone: "readonly",
        queueMicrotask: "readonly",
        AbortController: "readonly",
        fetch: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  ...layerRules,
);
