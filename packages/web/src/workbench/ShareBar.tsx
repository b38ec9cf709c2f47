/**
 * The workbench's share and export row: open a .qasm file, download the program as OpenQASM 3
 * or 2, the drawing as SVG or PNG, and copy a link that carries the circuit in the address's
 * fragment (compressed; the fragment never reaches the server).
 */
import type { Circuit } from "@stepfault/quantum";
import { useRef, useState } from "react";
import { appUrl, copyText } from "../pages/copy-link.tsx";
import { encodeFragment } from "./scratch-store.ts";
import {
  download,
  drawingSvg,
  qasmFile,
  readQasmFile,
  svgToPng,
} from "./share.ts";

/** Props: the text, its circuit (null while it has errors), and what to do with an opened file. */
export function ShareBar({
  text,
  circuit,
  onOpen,
  name = "circuit",
  memberLink,
}: {
  text: string;
  circuit: Circuit | null;
  onOpen: (text: string) => void;
  /** File name stem for downloads. */
  name?: string;
  /**
   * The app path of a saved circuit: "Copy link" then copies that page's address (for project
   * members) and "Copy workbench link" the text in the fragment (for anyone).
   */
  memberLink?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState("");
  const drawing = () =>
    [
      ...document.querySelectorAll<SVGSVGElement>(
        ".composer .circuit-row > svg",
      ),
    ].slice(0, 2);

  const saveQasm = (version: "2.0" | "3.0") => {
    const r = qasmFile(text, circuit, version);
    if (!r.ok) return setStatus(`Not downloaded: ${r.message}.`);
    download(
      `${name}${version === "2.0" ? ".qasm2" : ""}.qasm`,
      r.text,
      "text/plain",
    );
    setStatus(`Downloaded OpenQASM ${version[0]}.`);
  };
  const saveImage = async (kind: "svg" | "png") => {
    const svgs = drawing();
    if (svgs.length === 0)
      return setStatus("Not downloaded: there is no drawing to export.");
    const svg = drawingSvg(svgs);
    if (kind === "svg") download(`${name}.svg`, svg.text, "image/svg+xml");
    else download(`${name}.png`, await svgToPng(svg), "image/png");
    setStatus(`Downloaded the drawing as ${kind.toUpperCase()}.`);
  };
  const copyLink = async () => {
    const fragment = await encodeFragment(text);
    if (!fragment)
      return setStatus(
        "The program is too long for a link; download it instead.",
      );
    const link = `${location.origin}/${fragment}`;
    setStatus(
      (await copyText(link))
        ? "Link copied: it opens this text in a new workbench, for anyone."
        : `Copy this link: ${link}`,
    );
  };
  const copyMemberLink = async (path: string) => {
    const link = appUrl(path);
    setStatus(
      (await copyText(link))
        ? "Link copied: members of the project can open this circuit."
        : `Copy this link: ${link}`,
    );
  };

  return (
    <div className="share-bar" role="toolbar" aria-label="Share and export">
      <button type="button" onClick={() => input.current?.click()}>
        Open file…
      </button>
      <input
        ref={input}
        type="file"
        accept=".qasm,.qasm3,.inc,.txt,text/plain"
        hidden
        aria-label="OpenQASM file to open"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (!file) return;
          const r = await readQasmFile(file);
          if (!r.ok) return setStatus(`Not opened: ${r.message}.`);
          onOpen(r.text);
          setStatus(`Opened ${file.name}.`);
        }}
      />
      {memberLink !== undefined ? (
        <span className="share-group" role="group" aria-label="Links">
          <button
            type="button"
            aria-label="Copy link to this circuit"
            title="A link to this saved circuit, for members of the project"
            onClick={() => void copyMemberLink(memberLink)}
          >
            Copy link
          </button>
          <button
            type="button"
            title="A link that carries the text itself and opens it in the workbench, for anyone"
            onClick={() => void copyLink()}
          >
            Workbench link
          </button>
        </span>
      ) : (
        <button
          type="button"
          title="A link that carries the text itself and opens it in the workbench"
          onClick={() => void copyLink()}
        >
          Copy link
        </button>
      )}
      <span className="share-group" role="group" aria-label="Download">
        <span className="share-label" aria-hidden="true">
          Download
        </span>
        <button
          type="button"
          title="Download as OpenQASM 3"
          onClick={() => saveQasm("3.0")}
        >
          OpenQASM 3
        </button>
        <button
          type="button"
          title="Download as OpenQASM 2"
          onClick={() => saveQasm("2.0")}
        >
          OpenQASM 2
        </button>
        <button
          type="button"
          title="Download the drawing as SVG"
          onClick={() => void saveImage("svg")}
        >
          SVG
        </button>
        <button
          type="button"
          title="Download the drawing as PNG"
          onClick={() => void saveImage("png")}
        >
          PNG
        </button>
      </span>
      <span className="muted small share-status" role="status">
        {status}
      </span>
    </div>
  );
}
