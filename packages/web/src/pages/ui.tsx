/** Small shared pieces of the pages: loading line, error alert, not-found block, form submit state. */
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from "react";
import type { StepFaultApiError } from "@stepfault/sdk";
import { asApiError, errorText } from "../api/errors.ts";
import { Link } from "../app/router.tsx";

/** A polite loading line. */
export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p className="loading" role="status">
      {what}…
    </p>
  );
}

/** An error message from the API (or null for nothing). */
export function ErrorAlert({
  error,
}: {
  error: StepFaultApiError | string | null;
}) {
  if (!error) return null;
  return (
    <p role="alert" className="notice error">
      {typeof error === "string" ? error : errorText(error)}
    </p>
  );
}

/** The "not found" page for a resource the caller cannot see. */
export function NotFound({ what, back }: { what: string; back?: ReactNode }) {
  return (
    <section className="page narrow">
      <h1 tabIndex={-1}>{what} not found</h1>
      <p>
        It does not exist, or you are not a member of it.{" "}
        {back ?? <Link href="/projects">Back to your projects</Link>}
      </p>
    </section>
  );
}

/** Page heading that receives focus after navigation (for screen readers and keyboards). */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${ref.current?.textContent ?? ""} · StepFault`;
  });
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** State of a form submission. */
export interface Submit {
  readonly pending: boolean;
  readonly error: StepFaultApiError | null;
  run(action: () => Promise<void>): Promise<boolean>;
  clear(): void;
}

/** Runs one action at a time and keeps its error; `run` answers whether it succeeded. */
export function useSubmit(): Submit {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<StepFaultApiError | null>(null);
  const busy = useRef(false);
  const run = useCallback(async (action: () => Promise<void>) => {
    if (busy.current) return false;
    busy.current = true;
    setPending(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(asApiError(err));
      return false;
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { pending, error, run, clear };
}

/** Formats an ISO time for lists. */
export function when(iso: string | null): string {
  if (!iso) return "never";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
