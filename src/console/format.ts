// Output of console commands: tables sized to the terminal, key/value blocks, JSON for --json.
// Colour only on a TTY and never when NO_COLOR is set (https://no-color.org).

export interface Output {
  write(text: string): void;
  /** Warnings and errors (stderr). */
  warn(text: string): void;
  /** Writes out what write() holds back, if it buffers (before a prompt or a full-screen view). */
  flush?(): void;
  /** Terminal width; tables shrink their widest columns to fit. */
  columns: number;
  color: boolean;
}

type Row = Record<string, unknown>;

export function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function table(out: Output, rows: Row[], columns: string[]): void {
  if (rows.length === 0) {
    out.write('(none)\n');
    return;
  }
  const cells = rows.map((r) => columns.map((c) => cell(r[c]).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  // Shrink the widest column until the table fits (never below 8 characters).
  const fit = Math.max(20, out.columns);
  while (widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) > fit) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 8) break;
    widths[widest]!--;
  }
  const clip = (s: string, w: number) => (s.length > w ? `${s.slice(0, Math.max(0, w - 1))}…` : s.padEnd(w));
  const line = (r: string[]) =>
    r
      .map((c, i) => clip(c, widths[i]!))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.toUpperCase()));
  out.write(`${out.color ? `\x1b[1m${header}\x1b[0m` : header}\n`);
  for (const r of cells) out.write(`${line(r)}\n`);
}

export function keyValues(out: Output, obj: Row, keys?: string[]): void {
  const ks = keys ?? Object.keys(obj);
  const w = Math.max(...ks.map((k) => k.length));
  for (const k of ks) {
    const label = `${k}:`.padEnd(w + 1);
    out.write(`${out.color ? `\x1b[36m${label}\x1b[0m` : label} ${cell(obj[k])}\n`);
  }
}

export function json(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
