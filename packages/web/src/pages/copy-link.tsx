/**
 * "Copy link" for project members: copies the address of a page of the project (a job, a
 * circuit) and says so; where the clipboard is refused, shows the link to copy by hand.
 */
import { useState } from "react";

/** Copies `text`; false when the browser refuses (no permission, insecure context). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The absolute address of an app path. */
export function appUrl(path: string): string {
  return `${location.origin}${path}`;
}

/** A button that copies the link to `path`, and the line saying it did. */
export function CopyLinkButton({
  path,
  what,
}: {
  /** The app path, e.g. `/projects/<id>/jobs/<jobId>`. */
  path: string;
  /** What the link opens, for the button's name and the message ("this job"). */
  what: string;
}) {
  const [status, setStatus] = useState("");
  return (
    <span className="copy-link">
      <button
        type="button"
        aria-label={`Copy link to ${what}`}
        title={`Copy a link to ${what} for members of the project`}
        onClick={async () => {
          const link = appUrl(path);
          setStatus(
            (await copyText(link))
              ? "Link copied: members of the project can open it."
              : `Copy this link: ${link}`,
          );
        }}
      >
        Copy link
      </button>
      <span className="muted small" role="status">
        {status}
      </span>
    </span>
  );
}
