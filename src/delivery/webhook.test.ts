// Webhook delivery against a real HTTP server on 127.0.0.1, with every attempt recorded in
// delivery_results on both backends.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listDeliveryResults } from '../store/repos/deliveries.ts';
import { finishedJob, forEachApp, seedRunnableTask } from '../services/scheduling/test-app.ts';
import type { Ratchet } from '../app.ts';
import { deliverResult } from './deliver.ts';

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean | null;
}

/** A server answering with the given statuses in turn (the last one repeats), verifying signatures. */
async function hookServer(
  statuses: number[],
  secret?: string,
  hangMs = 0,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      // Verification as a receiver would do it: HMAC the raw body, compare in constant time.
      let signatureValid: boolean | null = null;
      const sig = req.headers['x-ratchet-signature'];
      if (secret !== undefined && typeof sig === 'string') {
        const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
        const given = Buffer.from(sig);
        signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      }
      received.push({ method: req.method!, headers: req.headers, body, signatureValid });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      setTimeout(
        () => res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`),
        hangMs,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Opens exactly these hooks' host:port to webhooks (loopback is denied by the egress policy by default). */
function allowHooks(app: Ratchet, ...hooks: { url: string }[]): void {
  app.config.http.allowed_hosts = hooks.map((h) => new URL(h.url).host);
}

const noSleep = (delays: number[]) => (ms: number) => {
  delays.push(ms);
  return Promise.resolve();
};

forEachApp('webhook: 429, 500 then 200 gives 3 recorded attempts, signed and authenticated', async (app) => {
  await seedRunnableTask(app, 'hooked');
  const hook = await hookServer([429, 500, 200], 'shh');
  allowHooks(app, hook);
  try {
    const dest = {
      type: 'webhook',
      url: hook.url,
      headers: { 'X-Custom': 'yes' },
      secret: 'shh',
      authentication: { type: 'bearer', token: 'tok-123' },
      retryPolicy: { maxAttempts: 5, initialDelaySeconds: 0.5, backoffMultiplier: 3, maxDelaySeconds: 10 },
    };
    const { job, execution } = await finishedJob(app, 'hooked', {
      output: { doubled: 42 },
      destinations: [dest],
    });
    const delays: number[] = [];
    const outcomes = await deliverResult(app, { job, execution }, { sleep: noSleep(delays) });
    assert.deepEqual(
      outcomes.map((o) => [o.type, o.success, o.attempts]),
      [['webhook', true, 3]],
    );
    assert.deepEqual(delays, [500, 1500]);
    assert.equal(hook.received.length, 3);
    for (const [i, r] of hook.received.entries()) {
      assert.equal(r.method, 'POST');
      assert.equal(r.signatureValid, true, `attempt ${i + 1} signature`);
      assert.equal(r.headers.authorization, 'Bearer tok-123');
      assert.equal(r.headers['x-custom'], 'yes');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-ratchet-attempt'], String(i + 1));
      assert.equal(r.headers['x-ratchet-event'], 'job.completed');
    }
    // One delivery id across the retries, so a receiver can de-duplicate.
    assert.equal(new Set(hook.received.map((r) => r.headers['x-ratchet-delivery'])).size, 1);
    const body = JSON.parse(hook.received[2]!.body) as Record<string, unknown>;
    assert.deepEqual(body.output, { doubled: 42 });
    assert.deepEqual(body.task, { id: job.taskId, name: 'hooked' });
    assert.equal(body.status, 'COMPLETED');

    const rows = await listDeliveryResults(app.store.db, { jobId: job.id });
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.success, r.statusCode, r.executionId]),
      [
        [1, false, 429, execution.id],
        [2, false, 500, execution.id],
        [3, true, 200, execution.id],
      ],
    );
    assert.match(rows[0]!.error ?? '', /answered 429/);
    // The stored destination never holds the credentials.
    const stored = JSON.stringify(rows[0]!.destination);
    assert.ok(!stored.includes('tok-123') && !stored.includes('shh'), stored);
  } finally {
    await hook.close();
  }
});

forEachApp(
  'webhook: basic and API-key auth, a tampered secret fails verification, 4xx is not retried',
  async (app) => {
    await seedRunnableTask(app, 'hooked');
    const hook = await hookServer([200], 'right');
    const rejecting = await hookServer([400]);
    allowHooks(app, hook, rejecting);
    try {
      const { job, execution } = await finishedJob(app, 'hooked', {
        output: 1,
        destinations: [
          {
            type: 'webhook',
            url: hook.url,
            method: 'PUT',
            authentication: { type: 'basic', username: 'ann', password: 'pw' },
          },
          {
            type: 'webhook',
            url: hook.url,
            secret: 'wrong',
            authentication: { api_key: { key: 'k-9', header: 'X-Key' } },
          },
          { type: 'webhook', url: rejecting.url, retryPolicy: { maxAttempts: 4, initialDelaySeconds: 0 } },
        ],
      });
      const outcomes = await deliverResult(app, { job, execution }, { sleep: noSleep([]) });
      assert.deepEqual(
        outcomes.map((o) => [o.success, o.attempts]),
        [
          [true, 1],
          [true, 1],
          [false, 1],
        ],
      );
      assert.equal(hook.received[0]!.method, 'PUT');
      assert.equal(
        hook.received[0]!.headers.authorization,
        `Basic ${Buffer.from('ann:pw').toString('base64')}`,
      );
      assert.equal(hook.received[1]!.headers['x-key'], 'k-9');
      assert.equal(hook.received[1]!.signatureValid, false);
      assert.equal(rejecting.received.length, 1);
      assert.match(outcomes[2]!.error ?? '', /answered 400/);
    } finally {
      await hook.close();
      await rejecting.close();
    }
  },
);

forEachApp('webhook: network errors and timeouts are retried up to maxAttempts', async (app) => {
  await seedRunnableTask(app, 'hooked');
  const slow = await hookServer([200], undefined, 2000);
  const closed = await hookServer([200]);
  const deadUrl = closed.url;
  await closed.close();
  allowHooks(app, slow, closed);
  try {
    const { job, execution } = await finishedJob(app, 'hooked', {
      output: 1,
      destinations: [
        { type: 'webhook', url: deadUrl, retryPolicy: { maxAttempts: 3, initialDelaySeconds: 0 } },
        {
          type: 'webhook',
          url: slow.url,
          timeoutSeconds: 0.2,
          retryPolicy: { maxAttempts: 2, initialDelaySeconds: 0 },
        },
      ],
    });
    const outcomes = await deliverResult(app, { job, execution }, { sleep: noSleep([]) });
    assert.deepEqual(
      outcomes.map((o) => [o.success, o.attempts]),
      [
        [false, 3],
        [false, 2],
      ],
    );
    assert.match(outcomes[0]!.error ?? '', /ECONNREFUSED/);
    assert.match(outcomes[1]!.error ?? '', /timed out after 200 ms/);
    const rows = await listDeliveryResults(app.store.db, { jobId: job.id });
    assert.equal(rows.length, 5);
    assert.ok(rows.every((r) => !r.success && r.statusCode === null));
  } finally {
    await slow.close();
  }
});

forEachApp(
  'webhook: a destination the egress policy denies is not delivered, once, with the reason recorded',
  async (app) => {
    await seedRunnableTask(app, 'hooked');
    const allowed = await hookServer([200]);
    const denied = await hookServer([200]);
    // Only the first hook's exact port is open; the second is on loopback too, at another port.
    allowHooks(app, allowed);
    const deniedPort = new URL(denied.url).port;
    try {
      const { job, execution } = await finishedJob(app, 'hooked', {
        output: 1,
        destinations: [
          { type: 'webhook', url: denied.url, retryPolicy: { maxAttempts: 3, initialDelaySeconds: 0 } },
          { type: 'webhook', url: `http://localhost:${deniedPort}/hook` },
          { type: 'webhook', url: allowed.url },
        ],
      });
      const outcomes = await deliverResult(app, { job, execution }, { sleep: noSleep([]) });
      assert.deepEqual(
        outcomes.map((o) => [o.success, o.attempts]),
        [
          [false, 1],
          [false, 1],
          [true, 1],
        ],
      );
      assert.equal(denied.received.length, 0, 'the denied receiver got nothing');
      assert.equal(allowed.received.length, 1);
      const rows = await listDeliveryResults(app.store.db, { jobId: job.id });
      const failed = rows.filter((r) => !r.success);
      assert.equal(failed.length, 2);
      for (const row of failed) {
        assert.equal(row.statusCode, null);
        assert.match(row.error ?? '', /blocked: .*(loopback address|not in the allowed hosts)/);
        assert.match(row.error ?? '', new RegExp(`http\\.allowed_hosts: \\["[^"]+:${deniedPort}"\\]`));
      }
    } finally {
      await allowed.close();
      await denied.close();
    }
  },
);
