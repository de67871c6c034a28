// Filesystem destinations stay under delivery.filesystem.allowed_roots (issue 12 item 2): an
// operator could write any file the server can, executable included, and it was recorded as a
// success. Over real HTTP with real keys, and delivery itself on a real file system.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createKey } from '../services/api-keys.ts';
import { listDeliveryResults } from '../store/repos/deliveries.ts';
import { finishedJob, seedRunnableTask, withApp } from '../services/scheduling/test-app.ts';
import { withApi } from '../api/rest/test-helpers.ts';
import { deliverResult } from './deliver.ts';

async function withDirs(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-roots-'));
  try {
    const root = join(dir, 'outputs');
    const outside = join(dir, 'elsewhere');
    await mkdir(root);
    await mkdir(outside);
    // A symlinked folder inside the root that points out of it.
    await symlink(outside, join(root, 'link'));
    await fn(root, outside);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('REST: an operator cannot queue a filesystem or webhook destination; a developer only under the roots', () =>
  withDirs((root, outside) =>
    withApi(
      'sqlite',
      async (api) => {
        const op = (await createKey(api.app.store.db, { name: 'op', role: 'operator' })).key;
        const dev = (await createKey(api.app.store.db, { name: 'dev', role: 'developer' })).key;
        const job = (key: string, destination: unknown) =>
          api.call('POST', '/api/v1/jobs', {
            headers: { authorization: `Bearer ${key}` },
            body: { taskId: 'addition', input: { num1: 1, num2: 2 }, outputDestinations: [destination] },
          });
        const inRoot = { type: 'filesystem', path: join(root, 'r.json') };
        const denied = await job(op, inRoot);
        assert.equal(denied.status, 403);
        assert.match(
          denied.body.error.message,
          /filesystem output destinations need write access.*role operator/,
        );
        const hook = await job(op, { type: 'webhook', url: 'http://127.0.0.1:9/x' });
        assert.equal(hook.status, 403);
        assert.equal((await job(op, { type: 'stdio' })).status, 201);

        const escape = await job(dev, { type: 'filesystem', path: join(outside, 'config.yaml') });
        assert.equal(escape.status, 422);
        assert.equal(escape.body.error.details.fields[0].path, '$.outputDestinations[0].path');
        assert.match(
          escape.body.error.details.fields[0].message,
          /outside delivery\.filesystem\.allowed_roots \(.*outputs\)/,
        );
        const dotdot = await job(dev, { type: 'filesystem', path: `${root}/../elsewhere/x.mjs` });
        assert.equal(dotdot.status, 422);
        const viaLink = await job(dev, { type: 'filesystem', path: join(root, 'link', 'x.mjs') });
        assert.equal(viaLink.status, 422);
        assert.match(viaLink.body.error.details.fields[0].message, /resolves to .*elsewhere/);
        assert.equal((await job(dev, inRoot)).status, 201);
        // Relative paths are taken from the first root.
        assert.equal((await job(dev, { type: 'filesystem', path: 'sub/{{job_id}}.json' })).status, 201);

        const sched = await api.call('POST', '/api/v1/schedules', {
          headers: { authorization: `Bearer ${dev}` },
          body: {
            taskId: 'addition',
            cronExpression: '0 * * * *',
            name: 'escape',
            input: { num1: 1, num2: 2 },
            outputDestinations: [{ type: 'filesystem', path: join(outside, 'x.json') }],
          },
        });
        assert.equal(sched.status, 422);
        assert.match(sched.body.error.details.fields[0].message, /allowed_roots/);
      },
      { delivery: { filesystem: { allowed_roots: [root] } } },
    ),
  ));

test('delivery re-checks the roots (a stored destination outside is a failed delivery) and never sets execute bits', () =>
  withDirs((root, outside) =>
    withApp('sqlite', async (app) => {
      app.config.delivery.filesystem.allowed_roots = [root];
      await seedRunnableTask(app, 'out');
      const { job, execution } = await finishedJob(app, 'out', { output: { v: 1 } });
      const outcomes = await deliverResult(app, {
        job,
        execution,
        destinations: [
          { type: 'filesystem', path: join(outside, 'a.json') },
          { type: 'filesystem', path: join(root, 'link', 'b.json') },
          { type: 'filesystem', path: 'ok/{{job_id}}.mjs', permissions: '777' },
        ],
      });
      assert.deepEqual(
        outcomes.map((o) => o.success),
        [false, false, true],
      );
      assert.match(outcomes[0]!.error!, /outside delivery\.filesystem\.allowed_roots/);
      assert.match(outcomes[1]!.error!, /resolves to .*elsewhere/);
      await assert.rejects(stat(join(outside, 'a.json')), { code: 'ENOENT' });
      await assert.rejects(stat(join(outside, 'b.json')), { code: 'ENOENT' });
      const written = join(root, 'ok', `${job.id}.mjs`);
      assert.equal(outcomes[2]!.target, written);
      assert.deepEqual(JSON.parse(await readFile(written, 'utf8')), { v: 1 });
      assert.equal((await stat(written)).mode & 0o777, 0o666);
      const rows = await listDeliveryResults(app.store.db, { jobId: job.id });
      assert.deepEqual(
        rows.map((r) => r.success),
        [false, false, true],
      );
    }),
  ));
