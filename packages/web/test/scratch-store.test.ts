import { describe, expect, it } from "vitest";
import {
  decodeFragment,
  encodeFragment,
  FRAGMENT_MAX_CHARS,
  FRAGMENT_PREFIX,
  initialScratch,
  loadScratch,
  noteWrittenFragment,
  saveScratch,
  SCRATCH_KEY,
} from "../src/workbench/scratch-store.ts";

/** A Storage over a Map (the browser's is not in this environment). */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

const SOURCE = `OPENQASM 3.0;
include "stdgates.inc";
// Grüße, θ = π/4 — unicode survives
qubit[2] q;
h q[0];
cx q[0], q[1];
`;

describe("scratch circuit in the fragment and the tab", () => {
  it("round-trips text (unicode included) through a URL-safe fragment shorter than the text", async () => {
    const long = SOURCE.repeat(20);
    const fragment = await encodeFragment(long);
    expect(fragment).not.toBeNull();
    expect(fragment!.startsWith(FRAGMENT_PREFIX)).toBe(true);
    expect(fragment!.slice(FRAGMENT_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fragment!.length).toBeLessThan(long.length / 4);
    expect(await decodeFragment(fragment!)).toBe(long);
    expect(await decodeFragment((await encodeFragment(SOURCE))!)).toBe(SOURCE);
  });

  it("refuses to put an oversized text in the address", async () => {
    expect(await encodeFragment("x".repeat(FRAGMENT_MAX_CHARS + 1))).toBeNull();
  });

  it("reads nothing from foreign or damaged fragments", async () => {
    for (const hash of [
      "",
      "#",
      "#section",
      "#qasm=",
      "#qasm=not*base64",
      "#qasm=AAAA",
      `#qasm=${btoa("plain text, not deflated")}`,
    ])
      expect(await decodeFragment(hash)).toBeNull();
  });

  it("opens with the link's circuit, else the tab's autosave, else the sample", async () => {
    const storage = memoryStorage();
    expect(await initialScratch("", storage, "SAMPLE")).toBe("SAMPLE");
    saveScratch(storage, "MINE");
    expect(storage.getItem(SCRATCH_KEY)).toBe("MINE");
    expect(loadScratch(storage)).toBe("MINE");
    expect(await initialScratch("#qasm=%%%", storage, "SAMPLE")).toBe("MINE");
    const shared = (await encodeFragment("SHARED"))!;
    expect(await initialScratch(shared, storage, "SAMPLE")).toBe("SHARED");
  });

  it("on a reload, the tab's newer autosave wins over the fragment the tab itself wrote before", async () => {
    const storage = memoryStorage();
    // The fragment of the text as it was, written by this tab; typing went on since.
    const older = (await encodeFragment("BEFORE"))!;
    noteWrittenFragment(storage, older);
    saveScratch(storage, "AFTER");
    expect(await initialScratch(older, storage, "SAMPLE")).toBe("AFTER");
    // A reload that starts as a newer fragment is noted still carries the older one in its address.
    noteWrittenFragment(storage, (await encodeFragment("AFTER"))!);
    expect(await initialScratch(older, storage, "SAMPLE")).toBe("AFTER");
    // Another link pasted into the same tab is someone else's circuit: it wins.
    const other = (await encodeFragment("THEIRS"))!;
    expect(await initialScratch(other, storage, "SAMPLE")).toBe("THEIRS");
  });

  it("treats unavailable storage as empty, not as an error", async () => {
    const broken = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    } as unknown as Storage;
    expect(loadScratch(broken)).toBeNull();
    expect(() => saveScratch(broken, "x")).not.toThrow();
    expect(await initialScratch("", undefined, "SAMPLE")).toBe("SAMPLE");
  });
});
