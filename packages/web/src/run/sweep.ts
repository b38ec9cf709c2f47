/**
 * The sweep editor's model: a parameter's values from a range (start, stop, number of points, both
 * ends included) or from pasted values, numbers written as OpenQASM angle expressions (`2*pi`,
 * `pi/2`, `-0.5`, `1e-3`, `π`).
 */
import { parseAngle as composerAngle } from "../composer/angle.ts";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A plain number at once, else an angle expression read by the compiler (the composer's `parseAngle`). */
export function parseAngle(text: string): number | null {
  const s = text.trim();
  return NUMBER.test(s) ? Number(s) : composerAngle(s);
}

/** The most points one sweep may have in the editor. */
export const MAX_POINTS = 10_000;

/** `points` evenly spaced values from start to stop (both included), or an error message. */
export function rangeValues(
  start: string,
  stop: string,
  points: string,
): number[] | string {
  const a = parseAngle(start);
  if (a === null) return `start "${start}" is not a number (e.g. 0, -pi, 0.5)`;
  const b = parseAngle(stop);
  if (b === null) return `stop "${stop}" is not a number (e.g. 2*pi, 3.14)`;
  const p = Number(points);
  if (!Number.isInteger(p) || p < 1 || p > MAX_POINTS)
    return `the number of points must be a whole number from 1 to ${MAX_POINTS}`;
  if (p === 1) return [a];
  return Array.from({ length: p }, (_, i) => a + ((b - a) * i) / (p - 1));
}

/** Values pasted as a list (commas, spaces, semicolons or new lines between them), or an error naming the bad one. */
export function pastedValues(text: string): number[] | string {
  const parts = text
    .replace(/^\s*\[|\]\s*$/g, "")
    .split(/[\s,;]+/)
    .filter((s) => s !== "");
  if (parts.length === 0) return "paste at least one value";
  if (parts.length > MAX_POINTS) return `at most ${MAX_POINTS} values`;
  const out: number[] = [];
  for (const [i, part] of parts.entries()) {
    const v = parseAngle(part);
    if (v === null) return `value ${i + 1} ("${part}") is not a number`;
    out.push(v);
  }
  return out;
}

/** Observables, one per line (blank lines skipped). */
export function observableLines(text: string): string[] {
  return text
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
