/** Downloads from the run views: counts and probabilities as CSV and JSON, and the browser download itself. */

/** Saves `data` as a file named `name` through the browser's download. */
export function download(name: string, data: Blob | string, type: string) {
  const blob = typeof data === "string" ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Counts and probabilities as CSV: `outcome,count,probability`, outcomes sorted. */
export function countsCsv(counts: Readonly<Record<string, number>>): string {
  const shots = Object.values(counts).reduce((a, b) => a + b, 0);
  const rows = Object.keys(counts)
    .sort()
    .map((k) => `${k},${counts[k]},${shots ? counts[k] / shots : 0}`);
  return ["outcome,count,probability", ...rows].join("\n") + "\n";
}

/** Counts and probabilities as JSON: `{ shots, counts, probabilities }`. */
export function countsJson(counts: Readonly<Record<string, number>>): string {
  const shots = Object.values(counts).reduce((a, b) => a + b, 0);
  const keys = Object.keys(counts).sort();
  const probabilities: Record<string, number> = {};
  const sorted: Record<string, number> = {};
  for (const k of keys) {
    sorted[k] = counts[k];
    probabilities[k] = shots ? counts[k] / shots : 0;
  }
  return (
    JSON.stringify({ shots, counts: sorted, probabilities }, null, 2) + "\n"
  );
}
