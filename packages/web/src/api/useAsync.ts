/** Loads data for a page: loading, error (a readable message) and data, with reload. */
import { useCallback, useEffect, useRef, useState } from "react";
import { StepFaultApiError } from "@stepfault/sdk";
import { ApiError } from "./client.ts";

/** The state of one load. */
export interface AsyncState<T> {
  readonly data: T | undefined;
  readonly error: ApiError | null;
  readonly loading: boolean;
  reload(): void;
  /** Replaces the data locally (after a mutation). */
  setData(update: (old: T | undefined) => T | undefined): void;
}

/** Turns anything thrown into an `ApiError` a page can show. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // The SDK's error: the same problem document, shown by its detail (or title).
  if (err instanceof StepFaultApiError) {
    const p = err.problem;
    const title = typeof p.title === "string" ? p.title : err.code;
    return new ApiError(
      err.status,
      err.code,
      title,
      typeof p.detail === "string" ? p.detail : title,
      p,
    );
  }
  return new ApiError(
    0,
    "CLIENT",
    "Unexpected error",
    err instanceof Error ? err.message : String(err),
  );
}

/** Runs `load` when `key` changes (and on `reload`), ignoring answers that arrive too late. */
export function useAsync<T>(
  load: () => Promise<T>,
  key: string,
): AsyncState<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    loadRef.current().then(
      (d) => {
        if (!live) return;
        setDataState(d);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(asApiError(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const setData = useCallback(
    (update: (old: T | undefined) => T | undefined) => setDataState(update),
    [],
  );
  return { data, error, loading, reload, setData };
}
