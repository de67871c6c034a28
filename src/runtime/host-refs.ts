// quickjs-emscripten maps each host function to an id in its runtime's `hostRefs` table, and drops
// the id when QuickJS frees the function object. With memory snapshots that is wrong: a guest that
// deletes `console.log` frees the function inside the run, but restoring the snapshot brings the
// object back, still carrying the id. So ids that exist when the snapshot is taken are pinned
// (never dropped), and ids created during a run are dropped when the next run begins.
// Every call of a host function looks its id up here too, so the table also counts them
// (entry-snapshots.ts: an evaluation that called none is deterministic).
import type { QuickJSRuntime } from 'quickjs-emscripten-core';

interface HostRefTable {
  get(id: number): unknown;
  put(value: unknown): number;
  delete(id: number): void;
}

export interface PinnedHostRefs {
  /** From now on, existing ids are permanent and new ones belong to the current run. */
  pin(): void;
  /** Drops the ids the last run created. */
  resetRun(): void;
  /** Host function calls (lookups by id) so far. */
  readonly calls: number;
}

/** Undefined when this quickjs-emscripten version keeps its host references differently. */
export function trackHostRefs(rt: QuickJSRuntime): PinnedHostRefs | undefined {
  const table = (rt as unknown as { hostRefs?: HostRefTable }).hostRefs;
  if (!table || [table.get, table.put, table.delete].some((f) => typeof f !== 'function')) return undefined;
  const get = table.get.bind(table);
  const put = table.put.bind(table);
  const drop = table.delete.bind(table);
  const permanent = new Set<number>();
  const ofRun = new Set<number>();
  let pinned = false;
  let calls = 0;
  table.get = (id) => {
    calls++;
    return get(id);
  };
  table.put = (value) => {
    const id = put(value);
    (pinned ? ofRun : permanent).add(id);
    return id;
  };
  table.delete = (id) => {
    if (pinned && permanent.has(id)) return;
    permanent.delete(id);
    ofRun.delete(id);
    drop(id);
  };
  return {
    pin() {
      pinned = true;
    },
    resetRun() {
      for (const id of ofRun) drop(id);
      ofRun.clear();
    },
    get calls() {
      return calls;
    },
  };
}
