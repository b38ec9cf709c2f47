/**
 * The live view's worker: the run worker's code under its own name, so a long-lived live view is
 * never mistaken for a run (runs start and terminate their own `local-run` worker).
 */
import "./local-run.worker.ts";
