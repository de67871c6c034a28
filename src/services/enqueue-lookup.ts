// What enqueueJob needs to know about a task, cached so that enqueue costs one database round trip
// (the INSERT). A task reference (id, UUID or name, plus version) resolves to its version and
// package for ENQUEUE_LOOKUP_TTL_MS: a version saved or a task disabled meanwhile is seen within
// that time. Jobs of "latest" store no version and resolve it again when claimed, so the cache only
// affects input validation and defaults. Packages and compiled input schemas belong to immutable
// versions and are cached with them.
import type { Ratchet } from './context.ts';
import { compileSchema, type SchemaValidator } from '../tasks/schema.ts';
import type { TaskPackage } from '../tasks/types.ts';
import type { TaskVersionRecord } from '../store/repos/tasks.ts';
import { resolveTaskPackage } from '../tasks/stored-versions.ts';

export const ENQUEUE_LOOKUP_TTL_MS = 1000;
const MAX_REFS = 1000;

export interface EnqueueTarget {
  version: TaskVersionRecord;
  pkg: TaskPackage;
  /** The compiled input.schema.json, if the task has one. */
  validator?: SchemaValidator;
}

/** An application's cache of resolved enqueue targets (a field of the context, see context.ts). */
export type EnqueueTargets = Map<string, { at: number; target: Promise<EnqueueTarget> }>;

// By package object, not version id: packages are cached per version and task UUID
// (tasks/stored-versions.ts), so two databases in one process (tests, benchmarks) whose versions
// share an id never share a validator; a package dropped from that cache takes its validator along.
const validators = new WeakMap<TaskPackage, SchemaValidator>();

function validatorOf(pkg: TaskPackage): SchemaValidator | undefined {
  if (pkg.inputSchema === undefined) return undefined;
  let v = validators.get(pkg);
  if (!v) {
    v = compileSchema(pkg.inputSchema, 'input.schema.json');
    validators.set(pkg, v);
  }
  return v;
}

export function enqueueTarget(
  app: Ratchet,
  task: string | number,
  version: string | undefined,
  now = Date.now(),
): Promise<EnqueueTarget> {
  const cache = app.enqueueTargets;
  const key = `${typeof task}:${task}\0${version ?? ''}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < ENQUEUE_LOOKUP_TTL_MS) return hit.target;
  const target = resolveTaskPackage(app.store.db, task, version).then(({ version: v, pkg }) => ({
    version: v,
    pkg,
    validator: validatorOf(pkg),
  }));
  // Failures (unknown task, …) are not cached: the next call asks the database again.
  target.catch(() => {
    if (cache.get(key)?.target === target) cache.delete(key);
  });
  if (cache.size >= MAX_REFS) cache.delete(cache.keys().next().value!);
  cache.set(key, { at: now, target });
  return target;
}
