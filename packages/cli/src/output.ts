import type { CliIo } from './CliIo';
import type { Problem } from './errors';

/** Machine-readable output: one JSON document on stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Problems as indented `path: message` lines, the way every autoflow edge reports them. */
export function problemLines(problems: readonly Problem[], indent = '    '): string[] {
  return problems.map((p) => `${indent}${p.path || '(root)'}: ${p.message}`);
}

/** A plain-text table: columns padded to their widest cell, the last one left ragged. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
