// The idle trim really gives the young generation back: grow it with surviving allocations, go
// idle, and the check collects once and leaves the new space small; a busy loop is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { newSpaceBytes, startIdleHeapTrim } from './idle-trim.ts';

const MB = 1024 * 1024;

function growYoungGeneration(): void {
  let keep: { i: number; s: string }[] = [];
  for (let i = 0; i < 3e6; i++) {
    keep.push({ i, s: `x${i}` });
    if (keep.length > 1e6) keep = [];
  }
}

test('an idle process gets its grown new space back, once', async () => {
  growYoungGeneration();
  assert.ok(newSpaceBytes() > 8 * MB, `the new space grew (${newSpaceBytes()} bytes)`);
  const trim = startIdleHeapTrim({ intervalMs: 200 });
  try {
    for (let i = 0; i < 50 && trim.trims() === 0; i++) await sleep(50);
    assert.equal(trim.trims(), 1);
    assert.ok(newSpaceBytes() <= 8 * MB, `new space after the trim: ${newSpaceBytes()} bytes`);
    await sleep(600);
    assert.equal(trim.trims(), 1, 'a small new space is not collected again');
  } finally {
    trim.stop();
  }
});

test('a busy event loop is not interrupted by a collection', async () => {
  growYoungGeneration();
  const trim = startIdleHeapTrim({ intervalMs: 100 });
  try {
    const until = Date.now() + 600;
    // Busy in slices, so the interval's callback gets to run and sees the utilisation.
    while (Date.now() < until) {
      const slice = Date.now() + 40;
      while (Date.now() < slice) growYoungGenerationSlice();
      await sleep(1);
    }
    assert.equal(trim.trims(), 0);
  } finally {
    trim.stop();
  }
});

function growYoungGenerationSlice(): void {
  const a: number[][] = [];
  for (let i = 0; i < 1000; i++) a.push([i]);
}
