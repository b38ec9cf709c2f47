/**
 * Keeps the scratch workbench's circuit: in this tab's session storage (restored on reload and
 * after the sign-in detour) and in the address's fragment, deflated and base64url-encoded, so a
 * copied link carries the circuit and nothing of it reaches the server.
 */

/** Session-storage key of the tab's scratch circuit. */
export const SCRATCH_KEY = "sf.scratch";
/** Session-storage key of the fragments this tab last wrote into its own address (JSON list). */
export const WRITTEN_FRAGMENT_KEY = "sf.scratch.fragment";
/** How many of its own fragments a tab remembers. */
const WRITTEN_FRAGMENTS_KEPT = 8;
/** The fragment's prefix: `#qasm=<base64url of deflate-raw(UTF-8 text)>`. */
export const FRAGMENT_PREFIX = "#qasm=";
/** Longest text the fragment carries (browsers cope with far longer, chat apps do not). */
export const FRAGMENT_MAX_CHARS = 64_000;

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The fragment (with its `#qasm=` prefix) that carries `text`, or null when it is too long. */
export async function encodeFragment(text: string): Promise<string | null> {
  if (text.length > FRAGMENT_MAX_CHARS) return null;
  const packed = await pipe(
    new TextEncoder().encode(text),
    new CompressionStream("deflate-raw"),
  );
  return FRAGMENT_PREFIX + toBase64Url(packed);
}

/** The text a fragment carries, or null when it carries none or is damaged. */
export async function decodeFragment(hash: string): Promise<string | null> {
  if (!hash.startsWith(FRAGMENT_PREFIX)) return null;
  const bytes = fromBase64Url(hash.slice(FRAGMENT_PREFIX.length));
  if (bytes === null || bytes.length === 0) return null;
  try {
    const raw = await pipe(bytes, new DecompressionStream("deflate-raw"));
    if (raw.length > FRAGMENT_MAX_CHARS * 4) return null;
    return new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    return null;
  }
}

function readKey(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** The tab's saved scratch circuit, if any (storage may be unavailable: private modes). */
export function loadScratch(storage: Storage | undefined): string | null {
  return readKey(storage, SCRATCH_KEY);
}

/** Saves the tab's scratch circuit; a full or unavailable storage is not an error. */
export function saveScratch(storage: Storage | undefined, text: string): void {
  try {
    storage?.setItem(SCRATCH_KEY, text);
  } catch {
    // Quota or privacy mode: the fragment still carries the circuit.
  }
}

function writtenFragments(storage: Storage | undefined): string[] {
  try {
    const list: unknown = JSON.parse(
      readKey(storage, WRITTEN_FRAGMENT_KEY) ?? "[]",
    );
    return Array.isArray(list)
      ? list.filter((f): f is string => typeof f === "string")
      : [];
  } catch {
    return [];
  }
}

/**
 * Notes a fragment this tab writes into its address (so a reload knows it is its own). The last
 * few are kept, not only the newest: a reload may start just as a newer fragment is noted, and
 * then carries the address as it was, with the fragment noted before.
 */
export function noteWrittenFragment(
  storage: Storage | undefined,
  fragment: string,
): void {
  const kept = writtenFragments(storage).filter((f) => f !== fragment);
  kept.push(fragment);
  try {
    storage?.setItem(
      WRITTEN_FRAGMENT_KEY,
      JSON.stringify(kept.slice(-WRITTEN_FRAGMENTS_KEPT)),
    );
  } catch {
    // as saveScratch
  }
}

/**
 * The circuit the scratch workbench opens with: a link's fragment wins (someone shared it), then
 * the tab's autosave, then `fallback` (the sample). A fragment this tab wrote itself is older
 * than its autosave (the fragment is written a moment after typing stops), so on a reload the
 * autosave wins over it.
 */
export async function initialScratch(
  hash: string,
  storage: Storage | undefined,
  fallback: string,
): Promise<string> {
  const own = hash !== "" && writtenFragments(storage).includes(hash);
  const saved = loadScratch(storage);
  if (own && saved !== null) return saved;
  return (await decodeFragment(hash)) ?? saved ?? fallback;
}
