// The job-finished hub: every listener hears every event, whatever the others do; failures go to
// the reporter, never to the queue; emit() settles when the listeners did; drain() waits for the
// asynchronous ones (and gives up at its timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobEventHub, type JobFinishedEvent } from './events.ts';

const event = (id: number) =>
  ({ job: { id }, execution: { id }, status: 'COMPLETED' }) as unknown as JobFinishedEvent;

void test('listeners run at once, in order; a throwing or rejecting one is reported and the rest still run', async () => {
  const hub = new JobEventHub();
  const heard: string[] = [];
  const reported: string[] = [];
  hub.setErrorReporter((err, e) => reported.push(`${e.job.id}: ${(err as Error).message}`));
  hub.on((e) => void heard.push(`sync ${e.job.id}`));
  hub.on(() => {
    throw new Error('thrown');
  });
  hub.on(async (e) => {
    await new Promise((r) => setTimeout(r, 20));
    heard.push(`async ${e.job.id}`);
    throw new Error('rejected');
  });
  hub.on((e) => void heard.push(`last ${e.job.id}`));

  const settled = hub.emit(event(7));
  assert.deepEqual(heard, ['sync 7', 'last 7'], 'synchronous listeners ran before emit returned');
  assert.deepEqual(reported, ['7: thrown']);
  await settled;
  assert.deepEqual(heard, ['sync 7', 'last 7', 'async 7'], 'emit settles after the async listener');
  assert.deepEqual(reported, ['7: thrown', '7: rejected']);
});

void test('a broken reporter breaks nothing; drain waits for async listeners and gives up at its timeout', async () => {
  const hub = new JobEventHub();
  hub.setErrorReporter(() => {
    throw new Error('reporter broke');
  });
  hub.on(() => {
    throw new Error('listener broke');
  });
  await hub.emit(event(1));
  assert.equal(await hub.drain(10), true, 'nothing pending');

  let release!: () => void;
  const off = hub.on(() => new Promise<void>((r) => (release = r)));
  void hub.emit(event(2));
  assert.equal(await hub.drain(30), false, 'a listener still running: drain times out');
  const drained = hub.drain(5000);
  release();
  assert.equal(await drained, true);
  off();
  await hub.emit(event(3)); // only the throwing listener is left: settles at once
  assert.equal(await hub.drain(10), true);
});
