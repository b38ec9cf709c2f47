/**
 * Share and export from the workbench: OpenQASM 2/3 files (the editor's own text when it already
 * is that version, so comments survive), the circuit drawing as SVG and PNG, counts and
 * probabilities as CSV and JSON, and reading a dropped or picked .qasm file.
 */
import type { Circuit } from "@stepfault/quantum";
import { circuitToQasm, sourceVersion } from "../qasm/quantum-api.ts";
export { download } from "../run/export.ts";

/** The program as OpenQASM `version`: the text itself when it is written in it, else converted. */
export function qasmFile(
  text: string,
  circuit: Circuit | null,
  version: "2.0" | "3.0",
): { ok: true; text: string } | { ok: false; message: string } {
  if (sourceVersion(text) === version) return { ok: true, text };
  if (!circuit)
    return {
      ok: false,
      message: "the text has errors, so it cannot be converted",
    };
  return circuitToQasm(circuit, version);
}

/** Largest files accepted by upload and drop (the editor is for programs, not data). */
export const MAX_QASM_FILE_BYTES = 2 * 2 ** 20;

/** Reads a picked or dropped file as program text, or says why not. */
export async function readQasmFile(
  file: File,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  if (file.size > MAX_QASM_FILE_BYTES)
    return {
      ok: false,
      message: `${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB; the editor opens files up to 2 MiB`,
    };
  const text = await file.text();
  if (text.includes("\u0000"))
    return { ok: false, message: `${file.name} is not a text file` };
  return { ok: true, text };
}

// Presentation properties copied from the page's CSS into the exported SVG (it has no stylesheet).
const STYLE_PROPS = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "text-anchor",
  "display",
  "visibility",
];

/**
 * A standalone SVG of the drawing: the wire labels and the circuit side by side, with the page's
 * computed colours inlined, on the page's background. `svgs` are [labels, circuit].
 */
export function drawingSvg(svgs: readonly SVGSVGElement[]): {
  text: string;
  width: number;
  height: number;
} {
  let width = 0;
  let height = 0;
  const parts: string[] = [];
  for (const svg of svgs) {
    const w = Number(svg.getAttribute("width")) || svg.clientWidth;
    const h = Number(svg.getAttribute("height")) || svg.clientHeight;
    const copy = svg.cloneNode(true) as SVGSVGElement;
    const src = [svg, ...svg.querySelectorAll("*")];
    const dst = [copy, ...copy.querySelectorAll("*")];
    src.forEach((el, i) => {
      const cs = getComputedStyle(el);
      const style = STYLE_PROPS.map(
        (p) => `${p}:${cs.getPropertyValue(p)}`,
      ).join(";");
      dst[i].setAttribute("style", style);
      dst[i].removeAttribute("class");
    });
    // Selection and keyboard cursor are not part of the circuit.
    copy.querySelectorAll(".wire-hit").forEach((e) => e.remove());
    copy.setAttribute("x", String(width));
    copy.setAttribute("y", "0");
    copy.setAttribute("width", String(w));
    copy.setAttribute("height", String(h));
    parts.push(new XMLSerializer().serializeToString(copy));
    width += w;
    height = Math.max(height, h);
  }
  const bg =
    getComputedStyle(document.body).getPropertyValue("background-color") ||
    "#fff";
  const text = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="${bg}"/>${parts.join("")}</svg>\n`;
  return { text, width, height };
}

/** Renders an SVG text to a PNG at `scale` (2 = sharp on high-DPI screens). */
export async function svgToPng(
  svg: { text: string; width: number; height: number },
  scale = 2,
): Promise<Blob> {
  const url = URL.createObjectURL(
    new Blob([svg.text], { type: "image/svg+xml" }),
  );
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(svg.width * scale);
    canvas.height = Math.ceil(svg.height * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2D canvas");
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((ok, fail) =>
      canvas.toBlob(
        (b) => (b ? ok(b) : fail(new Error("PNG encoding failed"))),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
