// Schedule → job → worker → delivery, with real workers: the scheduled job runs, its output lands
// in a file, and a webhook that keeps failing is recorded without failing the job.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkers } from '../../app.ts';
import { listDeliveryResults } from '../../store/repos/deliveries.ts';
import { getJob } from '../../store/repos/jobs.ts';
import { createSchedule } from '../schedules.ts';
import { forEachApp, seedRunnableTask } from './test-app.ts';
import { runDueSchedules } from './tick.ts';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

forEachApp(
  'a scheduled job runs on a worker and its output is delivered; a failing webhook does not fail it',
  async (app) => {
    await seedRunnableTask(app, 'dbl');
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-e2e-'));
    app.config.delivery.filesystem.allowed_roots = [dir];
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(503).end('down for maintenance'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    // The receiver is on loopback, which webhooks may not reach unless its exact host:port is allowed.
    app.config.http.allowed_hosts = [new URL(url).host];
    const node = await startWorkers(app, { threads: 1 });
    try {
      const s = await createSchedule(app, {
        task: 'dbl',
        name: 'e2e',
        cronExpression: '* * * * *',
        input: { n: 4 },
        outputDestinations: [
          { type: 'webhook', url, retryPolicy: { maxAttempts: 2, initialDelaySeconds: 0.01 } },
          { type: 'filesystem', path: join(dir, '{{task_name}}/{{job_id}}.json') },
        ],
      });
      const [fired] = await runDueSchedules(app, new Date(Date.parse(s.nextRunAt!) + 1000));
      assert.equal(fired?.action, 'enqueued');
      const jobId = fired.jobId!;
      const rows = await until('3 delivery attempts', async () => {
        const r = await listDeliveryResults(app.store.db, { jobId });
        return r.length >= 3 ? r : undefined;
      });
      assert.deepEqual(rows.map((r) => [r.destinationType, r.success, r.statusCode]).sort(), [
        ['filesystem', true, null],
        ['webhook', false, 503],
        ['webhook', false, 503],
      ]);
      assert.equal(hits, 2);
      assert.deepEqual(JSON.parse(await readFile(join(dir, `dbl/${jobId}.json`), 'utf8')), { doubled: 8 });
      const job = await getJob(app.store.db, jobId);
      assert.equal(job?.status, 'COMPLETED');
      assert.equal(job?.scheduleId, s.id);
    } finally {
      await node.stop(5000);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    }
  },
);
