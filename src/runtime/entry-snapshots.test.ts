// A task's evaluated main.js is kept per instance only when evaluating it again would give the same
// state (no host call, no clock); a run that starts from the kept state behaves as if main.js had
// been evaluated for it, and anything a run does is gone for the next one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acquireModule, type PooledModule } from './module-pool.ts';
import { outputOf, runInInstance } from './test-helpers.ts';
import { EntrySnapshots, MAX_ENTRIES } from './entry-snapshots.ts';
import type { MemorySnapshot } from './memory-snapshot.ts';
import type { SandboxResult } from './types.ts';

const runIn = (pooled: PooledModule, code: string, input?: unknown, logs?: string[]): SandboxResult =>
  runInInstance(pooled, code, { input, logs });
const output = outputOf;

const kept = (pooled: PooledModule, code: string): boolean =>
  pooled.prepared?.entryFor(code, 'main.js') !== undefined;

test('deterministic top-level code is kept, and each run still starts from it untouched', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const code = `
    let calls = 0;
    const seen = {};
    const table = Array.from({ length: 100 }, (_, i) => i * i);
    function main(input) {
      calls++;
      seen[input.k] = true;
      globalThis.leak = (globalThis.leak ?? 0) + 1;
      return { calls, seen: Object.keys(seen), leak: globalThis.leak, square: table[input.n] };
    }`;
  const first = output(runIn(pooled, code, { k: 'a', n: 3 }));
  assert.ok(kept(pooled, code), 'the evaluated main.js was kept');
  const second = output(runIn(pooled, code, { k: 'b', n: 4 }));
  const third = output(runIn(pooled, code, { k: 'c', n: 5 }));
  assert.deepEqual(first, { calls: 1, seen: ['a'], leak: 1, square: 9 });
  assert.deepEqual(second, { calls: 1, seen: ['b'], leak: 1, square: 16 });
  assert.deepEqual(third, { calls: 1, seen: ['c'], leak: 1, square: 25 });
});

test('top-level code that reads the clock, draws random numbers or logs runs in every run', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const clock = 'const loadedAt = Date.now(); function main() { return loadedAt; }';
  const date =
    'const year = new Date().getFullYear() + Math.floor(Date.now() % 1000) / 1e4; function main() { return year; }';
  const random = 'const r = Math.random(); function main() { return r; }';
  const logs = 'console.log("loading"); function main() { return 1; }';
  const times = new Set<unknown>();
  for (let i = 0; i < 3; i++) {
    times.add(output(runIn(pooled, clock)));
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  assert.equal(times.size, 3, 'each run evaluated Date.now() at its own load');
  const years = new Set<unknown>();
  for (let i = 0; i < 3; i++) {
    years.add(output(runIn(pooled, date)));
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  assert.ok(years.size > 1, 'new Date() at load was evaluated again');
  const draws = new Set([0, 1, 2].map(() => output(runIn(pooled, random))));
  assert.equal(draws.size, 3, 'each run drew its own number at load');
  for (let i = 0; i < 2; i++) {
    const lines: string[] = [];
    output(runIn(pooled, logs, {}, lines));
    assert.deepEqual(lines, ['loading'], 'the top-level log line is in every run');
  }
  for (const code of [clock, date, random, logs]) assert.equal(kept(pooled, code), false, code);
});

test('a kept task and others alternate in one instance without seeing each other', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const a = 'var fromA = 1; function main() { return typeof fromB; }';
  const b = 'var fromB = 2; function main() { return typeof fromA; }';
  const shape = '(function (input) { return input.x * 2; })';
  for (let i = 0; i < 3; i++) {
    assert.equal(output(runIn(pooled, a)), 'undefined');
    assert.equal(output(runIn(pooled, b)), 'undefined');
    assert.equal(output(runIn(pooled, shape, { x: i })), i * 2);
  }
  assert.ok(kept(pooled, a) && kept(pooled, b) && kept(pooled, shape));
});

test('work queued at load runs after main in every run, as when main.js is evaluated', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const code = `
    let ready = false;
    Promise.resolve().then(() => { ready = true; });
    async function main() { const before = ready; await null; return [before, ready]; }`;
  const runs = [0, 1, 2].map(() => output(runIn(pooled, code)));
  assert.ok(kept(pooled, code));
  assert.deepEqual(runs, [
    [false, true],
    [false, true],
    [false, true],
  ]);
});

test('main.js that throws at load fails every run and is never kept', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const code = 'function main() { return 1; }\nthrow new Error("broken at load");';
  for (let i = 0; i < 2; i++) {
    const r = runIn(pooled, code);
    assert.equal(r.ok, false);
    assert.match(r.error!.message, /broken at load/);
  }
  assert.equal(kept(pooled, code), false);
});

test('a task that builds megabytes at load is evaluated in every run, never copied', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const code = 'const big = "x".repeat(6e6); function main() { return big.length; }';
  for (let i = 0; i < 2; i++) assert.equal(output(runIn(pooled, code)), 6e6);
  assert.equal(kept(pooled, code), false);
  assert.ok(pooled.prepared!.snapshotBytes < 1024 * 1024, 'the pristine snapshot stays small');
});

test('at most MAX_ENTRIES evaluated tasks are kept per instance, least recently used out first', () => {
  const entries = new EntrySnapshots();
  const entry = (size: number) => ({
    snapshot: { size } as MemorySnapshot,
    fileName: 'main.js',
    entryPointer: 8,
  });
  for (let i = 0; i <= MAX_ENTRIES; i++) {
    entries.add(`task ${i}`, entry(1000));
    if (i === 1) entries.get('task 0', 'main.js'); // used again: task 1 is now the oldest
  }
  assert.equal(entries.size, MAX_ENTRIES);
  assert.equal(entries.get('task 0', 'other.js'), undefined, 'kept under main.js, not another file name');
  assert.ok(
    entries.get('task 0', 'main.js') &&
      !entries.get('task 1', 'main.js') &&
      entries.get(`task ${MAX_ENTRIES}`, 'main.js'),
  );
  entries.add('huge', entry(5 * 1024 * 1024));
  assert.equal(entries.get('huge', 'main.js'), undefined, 'a state over MAX_ENTRY_BYTES is not kept');
  for (let i = 0; i < 5; i++) entries.add(`big ${i}`, entry(3.5 * 1024 * 1024));
  assert.ok(
    !entries.get('big 0', 'main.js') && entries.get('big 4', 'main.js'),
    'the total stays within MAX_TOTAL_BYTES',
  );
});
