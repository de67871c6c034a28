// A unified line diff (as `diff -u` prints it), for comparing task versions. jsdiff finds the
// edit script (Myers); this only prints its hunks in diff's own format: an empty side's range is
// `-0,0`, and "\ No newline at end of file" markers are left out (versions compare line by line).
import { structuredPatch } from 'diff';

export interface UnifiedDiff {
  text: string;
  added: number;
  removed: number;
}

const NO_NEWLINE = '\\';

/** `--- a` / `+++ b` headers and `@@ -l,n +l,n @@` hunks; empty text when nothing differs. */
export function unifiedDiff(
  before: string,
  after: string,
  names: [string, string],
  context = 3,
): UnifiedDiff {
  const { hunks } = structuredPatch(names[0], names[1], before, after, undefined, undefined, { context });
  let added = 0;
  let removed = 0;
  const out = [`--- ${names[0]}`, `+++ ${names[1]}`];
  for (const h of hunks) {
    const start = (line: number, count: number) => (count === 0 ? line - 1 : line);
    out.push(
      `@@ -${start(h.oldStart, h.oldLines)},${h.oldLines} +${start(h.newStart, h.newLines)},${h.newLines} @@`,
    );
    for (const line of h.lines) {
      if (line.startsWith(NO_NEWLINE)) continue;
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
      out.push(line);
    }
  }
  if (added === 0 && removed === 0) return { text: '', added, removed };
  return { text: `${out.join('\n')}\n`, added, removed };
}
