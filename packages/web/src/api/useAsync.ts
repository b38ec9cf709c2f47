/** Loads data for a page: loading, error (a readable message) and data, with reload. */
import { useCallback, useEffect, useRef, useState } from "react";
import type { StepFaultApiError } from "@stepfault/sdk";
import { asApiError } from "./errors.ts";

/** The state of one load. */
export interface AsyncState<T> {
  readonly data: T | undefined;
  readonly error: StepFaultApiError | null;
  readonly loading: boolean;
  reload(): void;
  /** Replaces the data locally (after a mutation). */
  setData(update: (old: T | undefined) => T | undefined): void;
}

/** Runs `load` when `key` changes (and on `reload`), ignoring answers that arrive too late. */
export function useAsync<T>(
  load: () => Promise<T>,
  key: string,
): AsyncState<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<StepFaultApiError | null>(null);
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
