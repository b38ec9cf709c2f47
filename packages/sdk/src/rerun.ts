/**
 * The submission that runs a finished job again as it ran: the same circuit (its saved revision,
 * else the recorded source), seed, shots, precision, inputs, noise model, simulation method and
 * every field of its kind (a sweep, observables and gradient; a VQE's observable, optimiser and
 * starting point; a QAOA's problem and layers), read from the job's view and record.
 */
import type {
  EstimateJobBody,
  Job,
  QaoaJobBody,
  SampleJobBody,
  SubmitJobBody,
  VqeJobBody,
} from "./types.ts";

/**
 * The body that submits `job` again, or null when the job carries too little to repeat it (no
 * saved revision and no record, or a variational job without its resolved request). The noise
 * model is sent as the job ran with it, also when it came from a saved model that has changed or
 * gone since; a variational job starts from the point it started from.
 */
export function rerunBody(job: Job): SubmitJobBody | null {
  const record = job.record;
  // A saved revision never changes, so it runs the same source and keeps the circuit link.
  const circuit =
    job.circuitId && job.circuitRevision !== null
      ? { circuitId: job.circuitId, revision: job.circuitRevision }
      : record
        ? { source: record.source }
        : null;
  const seed = record?.seed ?? job.seed;
  const precision =
    (record?.options.precision ?? job.precision) === "single"
      ? ("single" as const)
      : ("double" as const);
  const inputs = record?.inputs
    ? { inputs: record.inputs as NonNullable<SampleJobBody["inputs"]> }
    : {};
  const noise = job.noise ? { noise: job.noise.model } : {};
  const method = { method: job.method };
  const threads =
    job.threads !== null && job.threads !== undefined
      ? { threads: job.threads }
      : {};
  const primitive = job.primitive ?? {};
  const sweep = primitive.sweep ? { sweep: primitive.sweep } : {};
  const v = job.variational;
  const variational = v && {
    optimizer: v.optimizer,
    initialPoint: Object.fromEntries(
      v.parameters.map((p, i) => [p, v.initialPoint[i] ?? 0]),
    ),
    shots: v.shots,
    seed,
  };
  // What a sampling and an estimate job both take besides the circuit and shots.
  const simulation = {
    seed,
    precision,
    ...inputs,
    ...noise,
    ...method,
    ...threads,
    ...sweep,
  };
  switch (job.kind) {
    case "sample": {
      if (!circuit) return null;
      const body: SampleJobBody = {
        kind: "sample",
        ...circuit,
        shots: record?.options.shots ?? job.shots,
        ...simulation,
      };
      return body;
    }
    case "estimate": {
      if (!circuit || !primitive.observables) return null;
      const body: EstimateJobBody = {
        kind: "estimate",
        ...circuit,
        observables: primitive.observables,
        // An exact estimate shows 0 shots.
        shots: job.shots > 0 ? job.shots : null,
        ...simulation,
        ...(primitive.gradient !== undefined
          ? { gradient: primitive.gradient }
          : {}),
      };
      return body;
    }
    case "vqe": {
      if (!circuit || !variational || !v) return null;
      const body: VqeJobBody = {
        kind: "vqe",
        ...circuit,
        observable: v.observable,
        ...variational,
      };
      return body;
    }
    case "qaoa": {
      if (!variational || !v?.qaoa) return null;
      const body: QaoaJobBody = {
        kind: "qaoa",
        problem: v.qaoa.problem,
        layers: v.qaoa.layers,
        sampleShots: v.qaoa.sampleShots,
        ...variational,
      };
      return body;
    }
  }
}
