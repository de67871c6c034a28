// A PostgreSQL outage (issue 12 item 7): the server reaches PostgreSQL through a TCP proxy this
// test runs on 127.0.0.1; closing the proxy is the outage. /ready answers 503, API requests 503
// with Retry-After (they were 500s), /health still answers, and all recovers when the proxy is back.
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { createRatchet } from '../app.ts';
import { ConfigSchema } from '../config/schema.ts';
import { createTempDatabase } from '../store/test-helpers/backends.ts';
import { savePackage } from '../tasks/stored-versions.ts';
import { loadTask } from '../tasks/load.ts';
import { ADDITION } from '../api/rest/test-helpers.ts';
import { buildServer } from './build.ts';
import { isDatabaseUnavailable } from '../store/outage.ts';

/** Forwards 127.0.0.1:port to PostgreSQL; close() drops every connection and stops listening. */
async function startProxy(target: URL, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as { port: number }).port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

test('PostgreSQL outage: /ready 503, POST /jobs 503 with Retry-After, /health answers; recovery after', async () => {
  const temp = await createTempDatabase('postgres');
  const real = new URL(temp.url);
  let proxy = await startProxy(real);
  const viaProxy = new URL(temp.url);
  viaProxy.port = String(proxy.port);
  const app = await createRatchet(
    ConfigSchema.parse({
      server: {
        database: { url: viaProxy.href },
        rate_limit: { enabled: false },
        workers: { embedded: false },
      },
    }),
  );
  try {
    await savePackage(app.store.db, await loadTask(ADDITION), { changeSource: 'cli' });
    const server = await buildServer(app, { logger: false });
    try {
      await server.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
      const enqueue = () =>
        fetch(`${base}/api/v1/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ taskId: 'addition', input: { num1: 1, num2: 2 } }),
        });
      assert.equal((await fetch(`${base}/ready`)).status, 200);
      assert.equal((await enqueue()).status, 201);

      await proxy.close();
      const ready = await fetch(`${base}/ready`);
      assert.equal(ready.status, 503);
      assert.match(
        ((await ready.json()) as { error: { message: string } }).error.message,
        /database is unavailable/,
      );
      const job = await enqueue();
      const body = (await job.json()) as { error: { code: string; message: string } };
      assert.equal(job.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, 'SERVICE_UNAVAILABLE');
      assert.match(body.error.message, /database is unavailable/);
      assert.equal(job.headers.get('retry-after'), '5');
      const list = await fetch(`${base}/api/v1/jobs`);
      assert.equal(list.status, 503);
      assert.equal(list.headers.get('retry-after'), '5');
      assert.equal((await fetch(`${base}/health`)).status, 200);

      proxy = await startProxy(real, proxy.port);
      assert.equal((await fetch(`${base}/ready`)).status, 200);
      assert.equal((await enqueue()).status, 201);
    } finally {
      await server.close();
    }
  } finally {
    await app.close();
    await proxy.close();
    await temp.drop();
  }
});

test('isDatabaseUnavailable: connection errors (also as a cause) yes, query errors no', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  assert.ok(isDatabaseUnavailable(refused));
  assert.ok(isDatabaseUnavailable(new Error('wrapped', { cause: refused })));
  assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
  assert.ok(isDatabaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' })));
  assert.ok(!isDatabaseUnavailable(Object.assign(new Error('syntax error'), { code: '42601' })));
  assert.ok(!isDatabaseUnavailable(new Error('boom')));
});
