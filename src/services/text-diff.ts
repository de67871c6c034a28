// A unified line diff (as `diff -u` prints it), for comparing task versions. Myers' O(ND)
// algorithm finds a shortest edit script; hunks keep `context` unchanged lines around changes.

export type EditOp = { kind: 'same' | 'del' | 'add'; line: string };

/** Shortest edit script turning `a` into `b`, line by line. */
export function diffLines(a: readonly string[], b: readonly string[]): EditOp[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
      let x = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  // Walk the trace backwards from (n, m) to recover the script.
  const ops: EditOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK]!;
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      y--;
      ops.push({ kind: 'same', line: a[--x]! });
    }
    if (d > 0) {
      if (down) ops.push({ kind: 'add', line: b[--y]! });
      else ops.push({ kind: 'del', line: a[--x]! });
    }
  }
  return ops.reverse();
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export interface UnifiedDiff {
  text: string;
  added: number;
  removed: number;
}

/** `--- a` / `+++ b` headers and `@@ -l,n +l,n @@` hunks; empty text when nothing differs. */
export function unifiedDiff(
  before: string,
  after: string,
  names: [string, string],
  context = 3,
): UnifiedDiff {
  const ops = diffLines(splitLines(before), splitLines(after));
  const added = ops.filter((o) => o.kind === 'add').length;
  const removed = ops.filter((o) => o.kind === 'del').length;
  if (added === 0 && removed === 0) return { text: '', added, removed };
  const out = [`--- ${names[0]}`, `+++ ${names[1]}`];
  // Positions (old line, new line) before each op.
  const pos: { a: number; b: number }[] = [];
  let la = 0;
  let lb = 0;
  for (const op of ops) {
    pos.push({ a: la, b: lb });
    if (op.kind !== 'add') la++;
    if (op.kind !== 'del') lb++;
  }
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === 'same') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is within 2×context unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== 'same') end++;
      let gap = end;
      while (gap < ops.length && ops[gap]!.kind === 'same') gap++;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((o) => o.kind !== 'add').length;
    const newCount = hunk.filter((o) => o.kind !== 'del').length;
    const oldStart = oldCount === 0 ? pos[start]!.a : pos[start]!.a + 1;
    const newStart = newCount === 0 ? pos[start]!.b : pos[start]!.b + 1;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of hunk) out.push(`${op.kind === 'same' ? ' ' : op.kind === 'del' ? '-' : '+'}${op.line}`);
    i = end;
  }
  return { text: `${out.join('\n')}\n`, added, removed };
}
