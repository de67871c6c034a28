// Where a key sits in a `.runcept.toml` file. smol-toml reports positions for syntax errors only;
// a wrong value (a number where a duration belongs, an unknown key) must still be reported as
// file:line:column, so this scans the text for table headers and `key =` lines. It understands the
// subset a project file uses (tables, arrays of tables, bare or quoted keys); a key it cannot place
// falls back to its table's header, and a table it cannot place to line 1.

export interface Position {
  line: number;
  column: number;
}

/** `project`, `process#0`, `process#1`, … (the table a key belongs to). */
export type TableRef = string;

export interface KeyPositions {
  table(ref: TableRef): Position;
  key(ref: TableRef, key: string): Position;
}

const HEADER = /^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?/;
const KEY = /^(\s*)(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=/;

export function keyPositions(text: string): KeyPositions {
  const tables = new Map<TableRef, Position>();
  const keys = new Map<string, Position>();
  const arrayCounts = new Map<string, number>();
  let current: TableRef = '';
  let inMultiline = false;
  text.split(/\r?\n/).forEach((line, i) => {
    // Skip the inside of multi-line strings: `"""` toggles (good enough for commands and notes).
    const quotes = (line.match(/"""|'''/g) ?? []).length;
    if (inMultiline) {
      if (quotes % 2 === 1) inMultiline = false;
      return;
    }
    const header = HEADER.exec(line);
    if (header) {
      const name = header[2]!;
      if (header[1] === '[[') {
        const n = arrayCounts.get(name) ?? 0;
        arrayCounts.set(name, n + 1);
        current = `${name}#${n}`;
      } else current = name;
      tables.set(current, { line: i + 1, column: line.indexOf('[') + 1 });
      return;
    }
    const key = KEY.exec(line);
    if (key) {
      const name = key[2] ?? key[3] ?? key[4]!;
      keys.set(`${current}\u0000${name}`, { line: i + 1, column: key[1]!.length + 1 });
    }
    if (quotes % 2 === 1) inMultiline = true;
  });
  const table = (ref: TableRef): Position => tables.get(ref) ?? { line: 1, column: 1 };
  return {
    table,
    key: (ref, name) => keys.get(`${ref}\u0000${name}`) ?? table(ref),
  };
}
