// Shared by the list commands: --status/--task/--limit options and table or JSON output.
import type { Command } from 'commander';
import type { ListFilterOptions } from '../services/task-ref.ts';
import { parseNonNegativeInt } from './duration.ts';

export interface ListFlags {
  status?: string;
  task?: string;
  limit?: string;
  json?: boolean;
}

export function addListOptions(cmd: Command): Command {
  return cmd
    .option('--status <list>', 'only these statuses (comma-separated)')
    .option('--task <task>', 'only this task (id, UUID or name)')
    .option('--limit <n>', 'at most this many rows (default 25, max 1000)')
    .option('--json', 'print a JSON array');
}

export function listOptions(flags: ListFlags): ListFilterOptions {
  return {
    status: flags.status
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    task: flags.task,
    limit: flags.limit === undefined ? undefined : parseNonNegativeInt(flags.limit, '--limit'),
  };
}

/** Prints rows as aligned columns (header first); `-` for empty cells. */
export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  const cells = rows.map((r) =>
    columns.map((c) => (r[c] === null || r[c] === undefined ? '-' : String(r[c]))),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const row of cells) process.stdout.write(`${line(row)}\n`);
}
