// Runs in one WebAssembly instance start from the same pristine snapshot: whatever a run does to
// its globals, prototypes, host functions or heap, the next run in that instance sees a context
// that never ran anything, with its own Math.random sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acquireModule, wasmLayout, type PooledModule } from './module-pool.ts';
import { outputOf, runInInstance } from './test-helpers.ts';
import { QuickJSInternalsError, requireInternal } from './quickjs-internals.ts';
import { readFileSync } from 'node:fs';
import type { SandboxResult } from './types.ts';

const runIn = (pooled: PooledModule, code: string, logs?: string[], timeoutMs?: number): SandboxResult =>
  runInInstance(pooled, code, { logs, timeoutMs });
const output = outputOf;

test('the bundled QuickJS build is understood, so runs use the snapshot', async () => {
  const layout = await wasmLayout();
  assert.ok(layout, 'the WebAssembly layout of @jitl/quickjs-wasmfile-release-sync was not recognised');
  assert.ok(layout.staticEnd > 0 && layout.staticEnd < layout.heapStart);
  const pooled = await acquireModule(32 * 1024 * 1024);
  output(runIn(pooled, 'function main() { return 1; }'));
  assert.ok(pooled.prepared, 'the instance keeps its prepared context for the next run');
  // Static data + heap of a prepared context: a few hundred KB, not the whole memory.
  assert.ok(pooled.prepared.snapshotBytes < 1024 * 1024, String(pooled.prepared.snapshotBytes));
});

/** The address just above the highest non-zero byte of `memory` at or above `from`. */
function highestWritten(memory: ArrayBuffer, from: number): number {
  const bytes = new Uint8Array(memory);
  let i = bytes.length - 1;
  while (i >= from && bytes[i] === 0) i--;
  return i + 1;
}

test("the snapshot finds the heap end from sbrk's break, and nothing is ever written above it", async () => {
  const layout = await wasmLayout();
  assert.ok(layout.breakAddress !== undefined, "the static word holding sbrk's break was not located");
  assert.ok(layout.breakAddress < layout.staticEnd);
  const pooled = await acquireModule(64 * 1024 * 1024);
  const brk = () => new DataView(pooled.memory.buffer).getUint32(layout.breakAddress!, true);
  output(runIn(pooled, 'function main() { return 1; }'));
  const prepared = brk();
  assert.ok(prepared > layout.heapStart, `the break (${prepared}) moved above the heap start`);
  assert.ok(highestWritten(pooled.memory.buffer, layout.heapStart) <= prepared);
  // A run that needs more heap than the prepared context had moves the break up (growing the
  // memory past its initial 16 MB); every byte written is still below it.
  output(
    runIn(
      pooled,
      'function main() { const a = []; for (let i = 0; i < 300000; i++) a.push({ i, s: "x" + i }); return a.length; }',
    ),
  );
  const grown = brk();
  assert.ok(grown > prepared + 16 * 1024 * 1024, `the break grew (${prepared} → ${grown})`);
  assert.ok(highestWritten(pooled.memory.buffer, layout.heapStart) <= grown);
});

test('quickjs-emscripten is pinned exactly, and a changed layout fails with what to do', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of ['quickjs-emscripten-core', '@jitl/quickjs-wasmfile-release-sync']) {
    assert.match(pkg.dependencies[name] ?? '', /^\d+\.\d+\.\d+$/, `${name} must be pinned to one version`);
  }
  assert.throws(
    () => requireInternal(undefined, 'its runtime has no hostRefs table'),
    (e: Error) =>
      e instanceof QuickJSInternalsError &&
      e.message.startsWith(
        `quickjs-emscripten ${pkg.dependencies['quickjs-emscripten-core']} is laid out differently than the sandbox expects: its runtime has no hostRefs table;`,
      ) &&
      e.message.includes('docs/architecture.md "Upgrading quickjs-emscripten"'),
  );
});

test('nothing a run does to globals, prototypes or host functions reaches the next run', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const vandal = `function main() {
    globalThis.leaked = 'secret';
    Object.prototype.polluted = true;
    Array.prototype.push = function () { return 'hijacked'; };
    JSON.parse = () => 'hijacked';
    delete globalThis.setTimeout;
    console.log = null;
    console = undefined;
    globalThis.fetch = () => 'hijacked';
    HttpError.prototype.name = 'Hijacked';
    return 'done';
  }`;
  assert.equal(output(runIn(pooled, vandal)), 'done');
  const logs: string[] = [];
  const after = runIn(
    pooled,
    `async function main() {
      console.log('still here');
      const a = []; a.push(1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return {
        leaked: typeof leaked, polluted: ({}).polluted, pushed: a.length, parsed: JSON.parse('[1]'),
        fetch: String(fetch).includes('hijacked'), name: new HttpError(404).name,
      };
    }`,
    logs,
  );
  assert.deepEqual(output(after), {
    leaked: 'undefined',
    pushed: 1,
    parsed: [1],
    fetch: false,
    name: 'HttpError',
  });
  assert.deepEqual(logs, ['still here']);
});

test('Math.random gives each run its own sequence', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const draws = Array.from({ length: 5 }, () =>
    output(runIn(pooled, 'function main() { return [Math.random(), Math.random()]; }')),
  ) as number[][];
  const firsts = new Set(draws.map((d) => d[0]));
  assert.equal(firsts.size, 5, JSON.stringify(draws));
  for (const [a, b] of draws) assert.ok(a! >= 0 && a! < 1 && a !== b);
});

test('an interrupted run and a memory-hungry run leave the instance clean', async () => {
  const pooled = await acquireModule(32 * 1024 * 1024);
  const spin = runIn(pooled, 'function main() { globalThis.x = 1; for (;;) {} }', undefined, 100);
  assert.equal(spin.error?.type, 'TimeoutError');
  const big = runIn(
    pooled,
    'function main() { const a = []; for (let i = 0; i < 200; i++) a.push("x".repeat(20000) + i); return a.length; }',
  );
  assert.equal(output(big), 200);
  assert.equal(pooled.broken, false);
  assert.equal(output(runIn(pooled, 'function main() { return typeof x; }')), 'undefined');
});
