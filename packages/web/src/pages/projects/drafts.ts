/** Unsaved circuit text kept per circuit in sessionStorage, so a reload or a new sign-in loses nothing. */

/** A stored draft: the text and the revision it was based on. */
export interface Draft {
  readonly text: string;
  readonly baseRevision: number;
}

const key = (circuitId: string) => `sf.draft.${circuitId}`;

function store(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The draft of a circuit, if one is kept. */
export function loadDraft(circuitId: string): Draft | null {
  const raw = store()?.getItem(key(circuitId));
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as Partial<Draft>;
    return typeof d.text === "string" && typeof d.baseRevision === "number"
      ? { text: d.text, baseRevision: d.baseRevision }
      : null;
  } catch {
    return null;
  }
}

/** Keeps `draft` for the circuit (or forgets it when null). */
export function saveDraft(circuitId: string, draft: Draft | null): void {
  try {
    if (draft) store()?.setItem(key(circuitId), JSON.stringify(draft));
    else store()?.removeItem(key(circuitId));
  } catch {
    // Storage full or blocked: the draft lives only in the page then.
  }
}
