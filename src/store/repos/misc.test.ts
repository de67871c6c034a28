// Workers, sources, API keys, audit log and delivery results.
import assert from 'node:assert/strict';
import { forEachBackend } from '../test-helpers/backends.ts';
import { seedTask } from '../test-helpers/fixtures.ts';
import { createTask, getTask } from './tasks.ts';
import {
  deleteWorker,
  getWorker,
  heartbeatWorker,
  listWorkers,
  markStaleWorkersOffline,
  registerWorker,
  setWorkerStatus,
} from './workers.ts';
import {
  deleteSource,
  getSource,
  listSources,
  recordSourceSync,
  renameSource,
  upsertSource,
} from './sources.ts';
import { createApiKey, getApiKeyByPrefix, listApiKeys, revokeApiKey, touchApiKey } from './api-keys.ts';
import { appendAudit, listAudit } from './audit.ts';
import { insertDeliveryResult, listDeliveryResults } from './deliveries.ts';
import { insertJob } from './jobs.ts';
import { insertExecution } from './executions.ts';

forEachBackend('workers register, heartbeat, drain and go offline when stale', async ({ db }) => {
  const w = await registerWorker(db, { id: 'w-1', hostname: 'h', pid: 42, version: '0.1.0', capacity: 4 });
  assert.equal(w.status, 'ONLINE');
  const beat = await heartbeatWorker(db, 'w-1', { runningJobs: 2, jobsCompleted: 10, jobsFailed: 1 });
  assert.equal(beat.runningJobs, 2);
  assert.equal(beat.jobsCompleted, 10);
  assert.equal((await setWorkerStatus(db, 'w-1', 'DRAINING')).status, 'DRAINING');
  await registerWorker(db, {
    id: 'w-2',
    hostname: 'h2',
    pid: 43,
    version: '0.1.0',
    capacity: 1,
    metadata: { a: 1 },
  });
  assert.deepEqual((await getWorker(db, 'w-2'))?.metadata, { a: 1 });
  // Re-registering resets the counters and status.
  const again = await registerWorker(db, {
    id: 'w-1',
    hostname: 'h',
    pid: 99,
    version: '0.1.0',
    capacity: 4,
  });
  assert.equal(again.pid, 99);
  assert.equal(again.jobsCompleted, 0);
  assert.deepEqual(await markStaleWorkersOffline(db, Date.now() + 1000), ['w-1', 'w-2']);
  assert.equal(
    (await listWorkers(db, { filters: [{ field: 'status', op: 'eq', value: 'OFFLINE' }] })).total,
    2,
  );
  await assert.rejects(heartbeatWorker(db, 'nope', { runningJobs: 0 }), /worker nope is not registered/);
  assert.equal(await deleteWorker(db, 'w-2'), true);
  assert.equal(await getWorker(db, 'w-2'), undefined);
});

forEachBackend('sources upsert by name, record syncs, and detach tasks on delete', async ({ db }) => {
  const src = await upsertSource(db, {
    name: 'local',
    uri: 'file://./tasks',
    kind: 'file',
    config: { watch: true },
  });
  const same = await upsertSource(db, { name: 'local', uri: 'file://./other', kind: 'file' });
  assert.equal(same.id, src.id);
  assert.equal(same.uri, 'file://./other');
  const synced = await recordSourceSync(db, src.id, { error: null, commitSha: 'abc123' });
  assert.ok(synced.lastSyncedAt);
  const failed = await recordSourceSync(db, src.id, { error: 'git fetch failed' });
  assert.equal(failed.lastError, 'git fetch failed');
  assert.equal(failed.commitSha, 'abc123');
  assert.equal(failed.lastSyncedAt, synced.lastSyncedAt);
  await upsertSource(db, { name: 'repo', uri: 'https://example.invalid/r.git', kind: 'git', branch: 'main' });
  assert.deepEqual(
    (await listSources(db)).map((s) => s.name),
    ['local', 'repo'],
  );
  await assert.rejects(renameSource(db, src.id, 'repo'), /"repo" already exists/);
  assert.equal((await getSource(db, 'local'))?.id, src.id);
  const task = await createTask(db, { name: 'from-source', sourceId: src.id });
  assert.equal(await deleteSource(db, src.id), true);
  assert.equal((await getTask(db, task.id))?.sourceId, null);
});

forEachBackend('API keys: unique prefix, revoke, expiry, last use', async ({ db }) => {
  const key = await createApiKey(db, { prefix: 'rk_abc', keyHash: 'h1', name: 'ci', role: 'admin' });
  await createApiKey(db, {
    prefix: 'rk_old',
    keyHash: 'h2',
    name: 'old',
    role: 'read',
    expiresAt: '2000-01-01T00:00:00Z',
  });
  await assert.rejects(
    createApiKey(db, { prefix: 'rk_abc', keyHash: 'x', name: 'n', role: 'r' }),
    /prefix "rk_abc"/,
  );
  assert.equal((await getApiKeyByPrefix(db, 'rk_abc'))?.keyHash, 'h1');
  assert.deepEqual(
    (await listApiKeys(db, { activeAt: Date.now() })).map((k) => k.prefix),
    ['rk_abc'],
  );
  await touchApiKey(db, key.id, '2030-01-01T00:00:00Z');
  assert.equal((await getApiKeyByPrefix(db, 'rk_abc'))?.lastUsedAt, '2030-01-01T00:00:00.000Z');
  assert.equal(await revokeApiKey(db, 'rk_abc'), true);
  assert.equal(await revokeApiKey(db, 'rk_abc'), false);
  assert.deepEqual(await listApiKeys(db, { activeAt: Date.now() }), []);
  assert.equal((await listApiKeys(db)).length, 2);
});

forEachBackend('audit log appends and lists newest first with filters', async ({ db }) => {
  await appendAudit(db, {
    action: 'task.create',
    outcome: 'success',
    actor: 'alice',
    targetType: 'task',
    targetId: 7,
  });
  await appendAudit(db, {
    action: 'task.delete',
    outcome: 'denied',
    actor: 'bob',
    details: { reason: 'role' },
  });
  const all = await listAudit(db);
  assert.deepEqual(
    all.rows.map((e) => e.action),
    ['task.delete', 'task.create'],
  );
  assert.equal(all.rows[1]?.targetId, '7');
  const bob = await listAudit(db, { filters: [{ field: 'actor', op: 'eq', value: 'bob' }] });
  assert.deepEqual(bob.rows[0]?.details, { reason: 'role' });
  assert.equal(bob.total, 1);
});

forEachBackend('delivery results are kept per job and execution', async ({ db }) => {
  const { taskId, versionId } = await seedTask(db, 'deliver');
  const { job } = await insertJob(db, { taskId });
  const exec = await insertExecution(db, { jobId: job.id, taskId, taskVersionId: versionId, input: {} });
  const dest = { type: 'webhook', url: 'http://127.0.0.1:9/hook' };
  await insertDeliveryResult(db, {
    jobId: job.id,
    executionId: exec.id,
    destinationType: 'webhook',
    destination: dest,
    success: false,
    statusCode: 503,
    error: 'Service Unavailable',
    durationMs: 12,
  });
  await insertDeliveryResult(db, {
    jobId: job.id,
    executionId: exec.id,
    destinationType: 'webhook',
    destination: dest,
    attempt: 2,
    success: true,
    statusCode: 200,
  });
  const byJob = await listDeliveryResults(db, { jobId: job.id });
  assert.deepEqual(
    byJob.map((d) => [d.attempt, d.success, d.statusCode]),
    [
      [1, false, 503],
      [2, true, 200],
    ],
  );
  assert.deepEqual(byJob[0]?.destination, dest);
  assert.equal((await listDeliveryResults(db, { executionId: exec.id })).length, 2);
});
