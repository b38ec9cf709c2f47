/**
 * Noise: the noise-model document (the JSON of `stepfault run --noise FILE`), the simulation
 * method, the noise fields of `sample` and `estimate` jobs, and saved noise models (project content
 * like circuits).
 */
import { Type, type Static } from "typebox";
import { PageQuery, Uuid } from "./common.schema.ts";
import { LineString, NameString } from "./strings.ts";

/** A real number or an `[re, im]` pair (Braket writes complex Kraus entries so). */
const ComplexEntry = Type.Union([
  Type.Number(),
  Type.Tuple([Type.Number(), Type.Number()]),
]);

/** A named channel with its parameters, or a general Kraus channel on 1 or 2 qubits. */
export const NoiseChannelSpec = Type.Union([
  Type.Object({
    name: Type.Union([
      Type.Literal("bit_flip"),
      Type.Literal("phase_flip"),
      Type.Literal("depolarizing"),
      Type.Literal("pauli_channel"),
      Type.Literal("amplitude_damping"),
      Type.Literal("generalized_amplitude_damping"),
      Type.Literal("phase_damping"),
      Type.Literal("two_qubit_depolarizing"),
      Type.Literal("two_qubit_dephasing"),
    ]),
    params: Type.Array(Type.Number()),
  }),
  Type.Object({
    name: Type.Literal("kraus"),
    matrices: Type.Array(Type.Array(Type.Array(ComplexEntry))),
  }),
]);
export type NoiseChannelSpec = Static<typeof NoiseChannelSpec>;

const PerQubit = Type.Union([Type.Number(), Type.Array(Type.Number())]);

/**
 * The static type of a noise-model document, version 1 (its JSON Schema, with every rule, is
 * `packages/quantum/noise-model.schema.json`).
 */
export const NoiseModelSpec = Type.Object({
  $schema: Type.Optional(Type.String()),
  format: Type.Literal("stepfault.noise-model"),
  version: Type.Literal(1),
  name: Type.Optional(Type.String()),
  /** Channels applied after every matching gate, in rule order. */
  gateNoise: Type.Optional(
    Type.Array(
      Type.Object({
        gates: Type.Array(Type.String()),
        qubits: Type.Optional(
          Type.Array(Type.Union([Type.Integer(), Type.Array(Type.Integer())])),
        ),
        channel: NoiseChannelSpec,
      }),
    ),
  ),
  /** Readout errors `[[P(0|0), P(1|0)], [P(0|1), P(1|1)]]` on listed (absent: all) qubits. */
  readout: Type.Optional(
    Type.Array(
      Type.Object({
        qubits: Type.Optional(Type.Array(Type.Integer())),
        matrix: Type.Array(Type.Array(Type.Number())),
      }),
    ),
  ),
  /** Device figures (T1, T2, gate times and errors, readout errors), as Aer's from_backend. */
  device: Type.Optional(
    Type.Object({
      t1: Type.Optional(PerQubit),
      t2: Type.Optional(PerQubit),
      gates: Type.Optional(
        Type.Array(
          Type.Object({
            gates: Type.Array(Type.String()),
            time: Type.Optional(Type.Number()),
            error: Type.Optional(Type.Number()),
          }),
        ),
      ),
      readoutError: Type.Optional(
        Type.Union([
          Type.Number(),
          Type.Array(Type.Union([Type.Number(), Type.Array(Type.Number())])),
        ]),
      ),
    }),
  ),
});
export type NoiseModelSpec = Static<typeof NoiseModelSpec>;

/**
 * A noise-model document in a request. Typed as `NoiseModelSpec`; the server checks it itself
 * (not the request validator), so every problem answers 422 `NOISE_MODEL_INVALID` with the JSON
 * path of the offending member in `field` and all of them in `errors`.
 */
export const NoiseModelDocument = Type.Unsafe<NoiseModelSpec>(
  Type.Object(
    {},
    {
      additionalProperties: true,
      description:
        'A noise model: { "format": "stepfault.noise-model", "version": 1, "gateNoise": [...], "readout": [...], "device": {...} } (JSON Schema: packages/quantum/noise-model.schema.json). Problems answer 422 NOISE_MODEL_INVALID naming the JSON path.',
    },
  ),
);

/** How a job is simulated; `auto` (the default) picks the density matrix when it fits, else trajectories. */
export const SimulationMethod = Type.Union([
  Type.Literal("auto"),
  Type.Literal("statevector"),
  Type.Literal("density_matrix"),
  Type.Literal("trajectories"),
]);
export type SimulationMethod = Static<typeof SimulationMethod>;

/** The noise fields of `sample` and `estimate` jobs (spread into their bodies). */
export const JobNoiseFields = {
  /** A noise model applied to the circuit (at most one of `noise` and `noiseModelId`). */
  noise: Type.Optional(NoiseModelDocument),
  /** A saved noise model of the project (at most one of `noise` and `noiseModelId`). */
  noiseModelId: Type.Optional(Uuid),
  /** Simulation method (default `auto`); the result's `method` says which one ran. */
  method: Type.Optional(SimulationMethod),
};

/** The noise a job ran with, as its view and record keep it (the model itself, not only its id). */
export const JobNoise = Type.Object({
  model: NoiseModelDocument,
  /** The saved model it came from (null: given inline); the job keeps its copy if that model changes or goes. */
  noiseModelId: Type.Union([Type.String(), Type.Null()]),
  /** The saved model's name when the job was submitted (null when given inline). */
  noiseModelName: Type.Union([Type.String(), Type.Null()]),
});
export type JobNoise = Static<typeof JobNoise>;

/** The noise of a job in a list: which saved model (or inline) and the model's own name, not the model. */
export const JobNoiseSummary = Type.Object({
  noiseModelId: Type.Union([Type.String(), Type.Null()]),
  noiseModelName: Type.Union([Type.String(), Type.Null()]),
  /** The `name` inside the model document, if it has one. */
  name: Type.Union([Type.String(), Type.Null()]),
});
export type JobNoiseSummary = Static<typeof JobNoiseSummary>;

const Name = NameString({ minLength: 1, maxLength: 200, pattern: "\\S" });

/** A saved noise model of a project. */
export const NoiseModel = Type.Object({
  id: Type.String(),
  projectId: Type.String(),
  name: Type.String(),
  model: NoiseModelDocument,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
export type NoiseModel = Static<typeof NoiseModel>;

/** A saved noise model in a list: everything but the model. */
export const NoiseModelSummary = Type.Omit(NoiseModel, ["model"]);
export type NoiseModelSummary = Static<typeof NoiseModelSummary>;

/** A page of noise models by name. */
export const NoiseModelPage = Type.Object({
  items: Type.Array(NoiseModelSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type NoiseModelPage = Static<typeof NoiseModelPage>;

/** Body of `POST /projects/{id}/noise-models`. */
export const CreateNoiseModelBody = Type.Object(
  { name: Name, model: NoiseModelDocument },
  { additionalProperties: false },
);
export type CreateNoiseModelBody = Static<typeof CreateNoiseModelBody>;

/** Body of `PATCH .../noise-models/{noiseModelId}`: rename and/or replace the model. */
export const UpdateNoiseModelBody = Type.Object(
  { name: Type.Optional(Name), model: Type.Optional(NoiseModelDocument) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateNoiseModelBody = Static<typeof UpdateNoiseModelBody>;

/** Query of the noise-model list: pagination and a name search. */
export const NoiseModelListQuery = Type.Object({
  ...PageQuery,
  q: Type.Optional(LineString({ maxLength: 200 })),
});
export type NoiseModelListQuery = Static<typeof NoiseModelListQuery>;

/** Params `{ id, noiseModelId }`. */
export const NoiseModelParams = Type.Object({ id: Uuid, noiseModelId: Uuid });
export type NoiseModelParams = Static<typeof NoiseModelParams>;
