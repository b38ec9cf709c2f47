import { describe, expect, it } from "vitest";
import { emptyCircuit } from "../src/composer/actions.ts";
import { angleExpression, parseAngle } from "../src/composer/angle.ts";
import {
  buildOp,
  defaultWires,
  PALETTE,
} from "../src/composer/palette-items.ts";
import { circuitToQasm, compileSource } from "../src/qasm/quantum-api.ts";

describe("composer palette", () => {
  it("offers the gates people reach for in Composer and Quirk", () => {
    const ids = PALETTE.map((p) => p.id);
    for (const id of ["U", "crx", "cry", "crz", "rzz", "cswap", "ccx"])
      expect(ids).toContain(id);
  });

  it.each(PALETTE.map((p) => [p.id]))(
    "%s builds on its default wires and survives export to OpenQASM 3 and 2",
    (id) => {
      const wires = defaultWires(id, 0, 3);
      expect(wires).not.toBeNull();
      const op = buildOp(id, wires!, Math.PI / 4);
      expect(op).not.toBeNull();
      const circuit = { ...emptyCircuit(3), ops: [op!] };
      for (const version of ["3.0", "2.0"] as const) {
        const printed = circuitToQasm(circuit, version);
        expect(printed.ok, `${id} in ${version}`).toBe(true);
        if (!printed.ok) continue;
        const back = compileSource(printed.text);
        expect(back.ok, printed.text).toBe(true);
        if (back.ok) expect(back.circuit.ops.length).toBeGreaterThan(0);
      }
    },
  );
});

describe("angles in the inspector", () => {
  it("shows multiples of π as a person types them, and reads them back exactly", () => {
    expect(angleExpression(Math.PI / 2)).toBe("pi/2");
    expect(angleExpression((-3 * Math.PI) / 4)).toBe("-3*pi/4");
    expect(angleExpression(Math.PI)).toBe("pi");
    expect(angleExpression(2 * Math.PI)).toBe("2*pi");
    expect(angleExpression(Math.PI / 12)).toBe("pi/12");
    expect(angleExpression(0)).toBe("0");
    expect(angleExpression(0.3)).toBe("0.3");
    for (const v of [
      Math.PI / 2,
      (-3 * Math.PI) / 4,
      0.3,
      1.234567891,
      -Math.PI / 8,
    ])
      expect(parseAngle(angleExpression(v))).toBeCloseTo(v, 9);
  });
});
