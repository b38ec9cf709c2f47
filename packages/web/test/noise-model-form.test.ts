import { describe, expect, it } from "vitest";
import {
  EMPTY_FORM,
  fromDocument,
  pathKey,
  problemsAt,
  toDocument,
  type ModelForm,
} from "../src/noise/model-form.ts";

const FULL: ModelForm = {
  ...EMPTY_FORM,
  name: "lab device",
  rules: [
    {
      gates: "h, x",
      qubits: "",
      channel: "depolarizing",
      params: "0.01",
      kraus: "",
    },
    {
      gates: "cx",
      qubits: "0 1; 1 2",
      channel: "two_qubit_depolarizing",
      params: "0.02",
      kraus: "",
    },
  ],
  readout: [{ qubits: "0, 2", p10: "0.02", p01: "0.05" }],
  device: true,
  t1Us: "100, 120",
  t2Us: "80",
  deviceGates: [{ gates: "cx", timeNs: "300", error: "0.01" }],
  deviceReadout: "0.015",
};

describe("toDocument", () => {
  it("writes channels, readout matrices and device figures in seconds, and reads back the same form", () => {
    const r = toDocument(FULL);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.doc.gateNoise?.[1]).toEqual({
      gates: ["cx"],
      qubits: [
        [0, 1],
        [1, 2],
      ],
      channel: { name: "two_qubit_depolarizing", params: [0.02] },
    });
    expect(r.doc.readout).toEqual([
      {
        qubits: [0, 2],
        matrix: [
          [0.98, 0.02],
          [0.05, 0.95],
        ],
      },
    ]);
    expect(r.doc.device?.t1).toEqual([100e-6, 120e-6]);
    expect(r.doc.device?.gates?.[0].time).toBeCloseTo(300e-9, 15);
    const back = fromDocument("lab device", r.doc);
    expect(back).toEqual({
      ...FULL,
      rules: FULL.rules.map((x) => ({
        ...x,
        gates: x.gates,
        kraus: back!.rules[0].kraus,
      })),
      readout: [{ qubits: "0, 2", p10: "0.02", p01: "0.05" }],
    });
  });

  it("names the field of each problem: its own parse errors and the model reader's", () => {
    const r = toDocument({
      ...FULL,
      name: " ",
      rules: [
        { ...FULL.rules[0], params: "1.5" },
        { ...FULL.rules[1], qubits: "0 x" },
      ],
      readout: [{ qubits: "", p10: "abc", p01: "0.1" }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const keys = r.problems.map((p) => p.key);
    // The form's own first, then the reader's (p = 1.5 at the params field).
    expect(keys.slice(0, 3)).toEqual([
      "name",
      "gateNoise.1.qubits",
      "readout.0.matrix",
    ]);
    expect(problemsAt(r.problems, "gateNoise.0.channel.params")).toHaveLength(
      1,
    );
    expect(problemsAt(r.problems, "gateNoise.0.gates")).toHaveLength(0);
    expect(keys).toHaveLength(4);
  });
});

describe("pathKey", () => {
  it("reads the reader's and the API's spelling of a path alike", () => {
    expect(pathKey("gateNoise[0].channel.params[1]")).toBe(
      "gateNoise.0.channel.params.1",
    );
    expect(pathKey("model/gateNoise/0/channel/params/1")).toBe(
      "gateNoise.0.channel.params.1",
    );
  });
});
