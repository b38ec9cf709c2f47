/**
 * Noise in requests: a noise-model document read with @stepfault/quantum's reader, every problem
 * a 422 `NOISE_MODEL_INVALID` naming its JSON path in `field` (`noise/gateNoise/0/channel/params`).
 */
import {
  applyNoiseModel,
  noiseModelFromJson,
  type Circuit,
  type NoiseModel as QuantumNoiseModel,
  type NoiseModelError,
} from "@stepfault/quantum";
import { DomainError } from "../../errors/domain-error.ts";

/**
 * The reader's JSON path (`gateNoise[0].channel.params`) as the API's `field` spells paths, under
 * the request member: `noise/gateNoise/0/channel/params`.
 */
function joinPath(prefix: string, path: string): string {
  const parts = path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((x) => x !== "");
  return [prefix, ...parts].join("/");
}

function invalid(
  prefix: string,
  errors: readonly NoiseModelError[],
): DomainError {
  const list = errors.map((e) => ({
    path: joinPath(prefix, e.path),
    message: e.message,
  }));
  const first = list[0];
  return new DomainError(
    "NOISE_MODEL_INVALID",
    list.map((e) => `${e.path}: ${e.message}`).join("; "),
    { field: first?.path ?? prefix, errors: list },
  );
}

/** Reads a noise-model document (422 naming the JSON path under `prefix` when it is invalid). */
export function readNoiseModel(
  json: unknown,
  prefix: string,
): QuantumNoiseModel {
  const read = noiseModelFromJson(json);
  if (!read.ok) throw invalid(prefix, read.errors);
  return read.model;
}

/** Checks that a model applies to a circuit (qubits in range, channel widths match gates). */
export function checkNoiseFits(
  circuit: Circuit,
  model: QuantumNoiseModel,
  prefix: string,
): Circuit {
  const applied = applyNoiseModel(circuit, model);
  if (!applied.ok) throw invalid(prefix, applied.errors);
  return applied.circuit;
}
