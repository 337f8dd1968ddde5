/** Small helpers shared by the benchmarks: percentiles, timing and plain-text tables. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The p-th percentile (0..100) of the values, by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Milliseconds, rounded, as "123 ms". */
export const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : "-");

/** A number with a fixed count of decimals. */
export const num = (value: number, decimals = 1) => (Number.isFinite(value) ? value.toFixed(decimals) : "-");

/** Prints a table with a title, left-aligned first column, right-aligned others. */
export function printTable(title: string, headers: string[], rows: (string | number)[][], notes: string[] = []): void {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ");
  console.log(`\n## ${title}\n`);
  console.log(line(headers));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of cells.slice(1)) console.log(line(row));
  for (const note of notes) console.log(`  ${note}`);
}

/** Runs an action and returns its result with the time it took. */
export async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await action();
  return { result, ms: performance.now() - start };
}
