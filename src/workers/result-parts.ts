// Which results of a write may be stored side by side. A batch holding the results of workflow
// steps is split by the finish hooks' keys (queue/finish-hooks.ts: for the workflow engine, each
// step's run) into up to `most` parts, each written in its own transaction at the same time as the
// others. In one transaction a batch's runs advanced one after another on one connection, two
// round trips each, while the database's other backends and this process waited: on PostgreSQL,
// 512 step results took about a second to write. Split in four: 1,500 four-step diamond runs
// (started 100 at a time) took 14 s against 21-24 s, and bench/workflow.ts's 200 diamonds at once
// ran at 139 runs/s against 108 (medians of three interleaved pairs). Each part takes its runs in
// id order, as the one transaction did, and no two parts touch the same run, so parts neither wait
// for nor deadlock on each other (they share only rows they read: tasks, workflow versions).
import type { Db } from '../store/codec.ts';
import type { Store } from '../store/database.ts';
import type { FinishHooks } from '../queue/finish-hooks.ts';
import type { PendingResult } from './result-writer.ts';

/** Whether the result is written in a transaction with the finish hooks (a workflow step's). */
export const hooked = (p: PendingResult): boolean => p.workflowStepId != null;

/**
 * PostgreSQL: up to four transactions at once, and at most half the pool, so claims, lease
 * renewals and the API keep connections. SQLite has one connection: one.
 */
export function parallelWritesFor(store: Store): number {
  const pool = store.pgPool?.options.max;
  return pool === undefined ? 1 : Math.max(1, Math.min(4, Math.floor(pool / 2)));
}

/**
 * The batch in parts that may be written at once (the results without hooks make a part of their
 * own), and the keys read to split it, by workflowStepId: the hooks get them (HookOptions.keys).
 */
export async function independentParts(
  batch: PendingResult[],
  { most, hooks, db }: { most: number; hooks: FinishHooks; db: Db },
): Promise<{ parts: PendingResult[][]; keys?: ReadonlyMap<number, number> }> {
  const steps = batch.filter(hooked);
  if (most < 2 || steps.length < 2) return { parts: [batch] };
  const jobs = steps.map((p) => ({ workflowStepId: p.workflowStepId! }));
  // A failed lookup: written whole, the batch meets the same failure where failed writes are met.
  const keys = await hooks.keys(db, jobs).catch(() => undefined);
  if (!keys) return { parts: [batch] };
  const byKey = new Map<number, PendingResult[]>();
  const keyOf = new Map<number, number>();
  for (const [i, p] of steps.entries()) {
    keyOf.set(p.workflowStepId!, keys[i]!);
    const same = byKey.get(keys[i]!);
    if (same) same.push(p);
    else byKey.set(keys[i]!, [p]);
  }
  if (byKey.size < 2) return { parts: [batch], keys: keyOf };
  const parts: PendingResult[][] = Array.from({ length: Math.min(most, byKey.size) }, () => []);
  [...byKey.keys()]
    .sort((a, b) => a - b)
    .forEach((key, i) => parts[i % parts.length]!.push(...byKey.get(key)!));
  const rest = batch.filter((p) => !hooked(p));
  return { parts: rest.length > 0 ? [...parts, rest] : parts, keys: keyOf };
}
