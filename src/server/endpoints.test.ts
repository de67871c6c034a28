// The server's own endpoints over real HTTP: OpenAPI document and Swagger UI (local assets only),
// GET /, health/readiness/liveness, Prometheus metrics, and HTTPS with a self-signed certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, fetch as undiciFetch } from 'undici';
import { createReadiness } from './health.ts';
import { forEachServer, getJson, withServer } from './test-helpers.ts';
import { selfSignedCertificate } from '../http/test-helpers/servers.ts';
import { recordExecution } from './metrics.ts';
import { createTask } from '../store/repos/tasks.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import type { ExecutionRecord } from '../store/repos/executions.ts';

void test('OpenAPI 3.1 document lists every documented route; Swagger UI uses only local assets', () =>
  withServer('sqlite', {}, async ({ url, server }) => {
    const doc = await getJson(`${url}/api-docs/openapi.json`);
    assert.equal(doc.status, 200);
    assert.match(String(doc.body.openapi), /^3\.1\.\d+$/);
    assert.equal((doc.body.info as { title: string }).title, 'Ratchet API');
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    const hidden = new Set(['/', '/metrics', '/api-docs/openapi.json']);
    const expected = server.ratchetRoutes.filter(
      (r) =>
        !hidden.has(r.path) &&
        !r.path.startsWith('/docs') &&
        // The dashboard's static files (src/server/ui.ts) are not API.
        !r.path.startsWith('/ui') &&
        r.path !== '*' &&
        r.method !== 'OPTIONS',
    );
    assert.ok(
      expected.some((r) => r.path === '/api/v1/probe/run/:id'),
      'probe routes registered',
    );
    assert.ok(expected.some((r) => r.path === '/health/detailed'));
    for (const r of expected) {
      const p = r.path.replace(/:(\w+)/g, '{$1}');
      assert.ok(paths[p]?.[r.method.toLowerCase()], `${r.method} ${p} in the OpenAPI document`);
    }
    // The validated probe's body schema made it into the document.
    const op = paths['/api/v1/probe/validated']?.post as { requestBody?: unknown };
    assert.ok(op.requestBody, 'request body schema documented');

    const ui = await fetch(`${url}/docs`);
    assert.equal(ui.status, 200);
    const html = await ui.text();
    assert.match(html, /swagger-ui/);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 3, `asset references found: ${refs.join(', ')}`);
    for (const ref of refs) {
      assert.doesNotMatch(ref, /^(https?:)?\/\//, `external asset ${ref}`);
      const res = await fetch(new URL(ref, `${url}/docs`));
      assert.equal(res.status, 200, `${ref} served`);
      await res.arrayBuffer();
    }
    const init = await (await fetch(`${url}/docs/static/swagger-initializer.js`)).text();
    const code = init.replace(/\/\/ .*$/gm, '');
    assert.doesNotMatch(code, /https?:\/\//);
    assert.match(code, /"validatorUrl":null/);
  }));

void test('GET / lists endpoints with their access level', () =>
  withServer('sqlite', {}, async ({ url }) => {
    const res = await getJson(`${url}/`);
    assert.equal(res.status, 200);
    const eps = res.body.endpoints as { method: string; path: string; access: string }[];
    assert.ok(eps.some((e) => e.path === '/health' && e.access === 'public'));
    assert.ok(
      eps.some((e) => e.path === '/api/v1/probe/admin/:id' && e.method === 'DELETE' && e.access === 'admin'),
    );
    assert.ok(!eps.some((e) => e.path.startsWith('/docs/')), 'UI asset routes are not listed');
  }));

forEachServer(
  'health: /health, /live, /health/detailed with database, registry, workers and queue',
  {},
  async ({ url, dialect }) => {
    const h = await getJson(`${url}/health`);
    assert.equal(h.status, 200);
    assert.equal(h.body.status, 'ok');
    assert.match(String(h.body.version), /^\d+\.\d+\.\d+/);
    assert.equal(typeof h.body.uptime, 'number');
    assert.equal((await getJson(`${url}/live`)).status, 200);
    const d = await getJson(`${url}/health/detailed`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const db = d.body.database as { dialect: string; ok: boolean };
    assert.equal(db.dialect, dialect);
    assert.equal(db.ok, true);
    assert.ok(Array.isArray(d.body.registry));
    assert.deepEqual(d.body.workers, { online: 0, capacity: 0, busy: 0, byStatus: {} });
    const q = d.body.queue as { depth: Record<string, number>; oldestQueuedAgeSeconds: number };
    assert.equal(q.depth.QUEUED, 0);
    assert.equal(q.oldestQueuedAgeSeconds, 0);
  },
);

void test('/ready is 503 until start-up is done, 200 after, 503 again while shutting down', async () => {
  const readiness = createReadiness(false, 'syncing registry sources');
  await withServer('sqlite', { readiness }, async ({ url }) => {
    const before = await getJson(`${url}/ready`);
    assert.equal(before.status, 503);
    assert.deepEqual(before.body, {
      error: { code: 'SERVICE_UNAVAILABLE', message: 'not ready: syncing registry sources', status: 503 },
    });
    assert.equal((await fetch(`${url}/live`)).status, 200);
    readiness.markReady();
    assert.deepEqual((await getJson(`${url}/ready`)).body, { status: 'ready' });
    readiness.markNotReady('shutting down');
    assert.equal((await fetch(`${url}/ready`)).status, 503);
  });
});

forEachServer(
  '/metrics: Prometheus text with HTTP, job, queue, worker, execution and process metrics',
  {},
  async ({ app, url }) => {
    await fetch(`${url}/api/v1/probe/read`);
    await fetch(`${url}/api/v1/probe/run/1`, { method: 'POST', headers: { 'x-requested-with': 'test' } });
    const task = await createTask(app.store.db, { name: 'metrics-probe' });
    // The job-finished hook feeds the execution histogram and the retry counter.
    await app.jobEvents.emit({
      job: { id: 1, taskId: task.id, attempts: 3 } as JobRecord,
      execution: { durationMs: 1500 } as ExecutionRecord,
      status: 'COMPLETED',
    });
    recordExecution('direct-call', 'FAILED', 20);
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    for (const name of [
      'ratchet_http_requests_total',
      'ratchet_http_request_duration_seconds_bucket',
      'ratchet_jobs',
      'ratchet_queue_depth',
      'ratchet_queue_oldest_age_seconds',
      'ratchet_worker_utilisation_ratio',
      'ratchet_workers_online',
      'ratchet_execution_duration_seconds_bucket',
      'ratchet_job_retries_total',
      'ratchet_deliveries_total',
      'ratchet_workflow_runs',
      'ratchet_workflow_steps',
      'ratchet_workflow_step_orchestration_seconds',
      'ratchet_process_resident_memory_bytes',
      'ratchet_nodejs_eventloop_lag_seconds',
    ])
      assert.match(text, new RegExp(`^(# TYPE )?${name}`, 'm'), name);
    assert.match(
      text,
      /ratchet_http_requests_total\{route="\/api\/v1\/probe\/run\/:id",method="POST",status="200"\} 1/,
    );
    assert.match(text, /ratchet_jobs\{state="QUEUED"\} 0/);
    assert.match(
      text,
      /ratchet_execution_duration_seconds_count\{task="metrics-probe",status="COMPLETED"\} \d+/,
    );
    assert.match(text, /ratchet_execution_duration_seconds_count\{task="direct-call",status="FAILED"\} \d+/);
    assert.match(text, /ratchet_job_retries_total\{task="metrics-probe"\} \d+/);
  },
);

void test('HTTPS with a self-signed certificate (server.tls)', async () => {
  const https = selfSignedCertificate();
  await withServer('sqlite', { https }, async ({ url }) => {
    assert.match(url, /^https:/);
    const dispatcher = new Agent({ connect: { ca: https.cert } });
    const res = await undiciFetch(`${url}/health`, { dispatcher });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
    assert.match(res.headers.get('strict-transport-security') ?? '', /max-age/);
    await dispatcher.close();
    // Without trusting the certificate the connection is refused.
    await assert.rejects(undiciFetch(`${url}/health`, { dispatcher: new Agent() }));
  });
});
