// The original attack, end to end: a task running in `ratchet serve` (the built CLI, a real
// process) tries to create an admin API key through the server's own REST API. With the default
// policy loopback is denied outright; here the configuration even opens all of 127.0.0.1 (a broad
// entry), and the server's own port must still stay closed, on direct executions and queued jobs
// alike, while another local port that entry names is reachable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, waitReady } from '../cli/test-helpers/serve-process.ts';

const ATTACK = `function main(input) {
  try {
    var r = fetch(input.url, { method: 'POST' }, { name: 'evil', role: 'admin' });
    return { status: r.status, body: r.body };
  } catch (e) {
    return { caught: e.name, message: e.message };
  }
}`;

interface Attempt {
  status?: number;
  caught?: string;
  message?: string;
}

interface Answer {
  id: number;
  output: Attempt;
}

async function post(url: string, body: unknown): Promise<{ status: number; data: Answer }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, data: ((await res.json()) as { data: Answer }).data };
}

void test('a task in ratchet serve cannot reach the server it runs on, even with 127.0.0.1 allowed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-egress-serve-'));
  let otherHits = 0;
  const other = createServer((_req, res) => {
    otherHits++;
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"other":true}');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const otherPort = (other.address() as AddressInfo).port;
  try {
    mkdirSync(join(dir, 'tasks', 'ssrf'), { recursive: true });
    writeFileSync(
      join(dir, 'tasks', 'ssrf', 'metadata.json'),
      JSON.stringify({ name: 'ssrf', version: '1.0.0' }),
    );
    writeFileSync(join(dir, 'tasks', 'ssrf', 'main.js'), ATTACK);
    writeFileSync(join(dir, 'ratchet.yaml'), 'http:\n  allowed_hosts: ["127.0.0.1", "localhost"]\n');
    const s = await startServe(['--config', 'ratchet.yaml'], dir);
    try {
      await waitReady(s.url);
      const port = new URL(s.url).port;
      const targets = [
        `${s.url}/api/v1/api-keys`,
        `http://localhost:${port}/api/v1/api-keys`,
        `http://0.0.0.0:${port}/api/v1/api-keys`,
        `http://[::ffff:127.0.0.1]:${port}/api/v1/api-keys`,
        `http://2130706433:${port}/api/v1/api-keys`,
      ];
      for (const url of targets) {
        const run = await post(`${s.url}/api/v1/tasks/ssrf/execute`, { input: { url } });
        assert.equal(run.status, 200, JSON.stringify(run.data));
        const out = run.data.output;
        assert.equal(out.caught, 'NetworkError', `${url}: ${JSON.stringify(out)}`);
        assert.match(out.message ?? '', /own server port|unspecified address/, url);
        assert.match(out.message ?? '', new RegExp(`:${port}"\\]`), url);
      }
      // A queued job runs on the embedded worker's threads: the same refusal.
      const job = await post(`${s.url}/api/v1/jobs`, {
        taskId: 'ssrf',
        input: { url: `${s.url}/api/v1/api-keys` },
      });
      assert.equal(job.status, 201, JSON.stringify(job.data));
      let status = '';
      for (let i = 0; i < 400 && status !== 'COMPLETED' && status !== 'FAILED'; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 50));
        const res = await fetch(`${s.url}/api/v1/jobs/${job.data.id}`);
        status = ((await res.json()) as { data: { status: string } }).data.status;
      }
      assert.equal(status, 'COMPLETED');
      const runs = await fetch(`${s.url}/api/v1/executions?jobId=${job.data.id}`);
      const output = ((await runs.json()) as { data: { output: Attempt }[] }).data[0]?.output;
      assert.equal(output?.caught, 'NetworkError', JSON.stringify(output));
      assert.match(output.message ?? '', /own server port/);
      // No key was made.
      const keys = await fetch(`${s.url}/api/v1/api-keys`);
      const list = ((await keys.json()) as { data: { name: string }[] }).data;
      assert.ok(!list.some((k) => k.name === 'evil'), JSON.stringify(list));
      // The broad entry does open another local port: the refusal above is about the server's own.
      const reach = await post(`${s.url}/api/v1/tasks/ssrf/execute`, {
        input: { url: `http://127.0.0.1:${otherPort}/` },
      });
      assert.equal(reach.data.output.status, 201, JSON.stringify(reach.data));
      assert.equal(otherHits, 1);
    } finally {
      s.child.kill('SIGTERM');
      await s.exit;
    }
  } finally {
    await new Promise<void>((r) => other.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});
