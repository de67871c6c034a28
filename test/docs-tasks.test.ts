// Executes every task example in docs/tasks.md: a ```js task block followed by a ```json block
// saying what the run must produce (output, error, logs or progress).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTaskFromFiles } from '../src/tasks/load.ts';
import { runTask } from '../src/runtime/run-task.ts';
import { createSyncFetcher, type SyncFetcher } from '../src/http/sync-fetch.ts';
import { defaultHttpOptions } from '../src/http/client.ts';
import { startThreadServer, type ThreadServer } from '../src/http/test-helpers/thread-server.ts';
import { ROOT } from './helpers/cli.ts';

interface Example {
  code: string;
  input: unknown;
  timeoutMs?: number;
  kind: string;
  expected: unknown;
  line: number;
}

function parseExamples(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    info: m[2]!.trim(),
    body: m[3]!,
    line: markdown.slice(0, m.index).split('\n').length,
  }));
  const examples: Example[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'js' || !b.info.startsWith('task')) return;
    const next = blocks[i + 1];
    assert.ok(
      next && next.lang === 'json',
      `docs/tasks.md:${b.line}: a task example must be followed by a json block`,
    );
    const timeout = /\btimeout=(\d+)/.exec(b.info);
    const input = /\binput=(.*?)(?:\s+timeout=\d+)?$/.exec(b.info);
    examples.push({
      code: b.body,
      input: input ? JSON.parse(input[1]!) : {},
      timeoutMs: timeout ? Number(timeout[1]) : undefined,
      kind: next.info,
      expected: JSON.parse(next.body),
      line: b.line,
    });
  });
  return examples;
}

const examples = parseExamples(readFileSync(join(ROOT, 'docs', 'tasks.md'), 'utf8'));
let server: ThreadServer;
let fetcher: SyncFetcher;

before(async () => {
  server = await startThreadServer();
  // The docs' examples fetch a local server, which they say needs --allow-host; open exactly its port.
  fetcher = createSyncFetcher({
    ...defaultHttpOptions,
    timeoutMs: 5000,
    allowedHosts: [`127.0.0.1:${server.port}`],
  });
});
after(async () => {
  fetcher.close();
  await server.close();
});

test('docs/tasks.md has examples of every kind', () => {
  assert.ok(examples.length >= 14, `found only ${examples.length} examples`);
  for (const kind of ['output', 'error', 'logs', 'progress']) {
    assert.ok(
      examples.some((e) => e.kind === kind),
      `no ${kind} example`,
    );
  }
});

for (const ex of examples) {
  test(`docs/tasks.md:${ex.line} (${ex.kind})`, async () => {
    const pkg = loadTaskFromFiles(
      { 'metadata.json': JSON.stringify({ name: 'doc-example', version: '1.0.0' }), 'main.js': ex.code },
      { kind: 'store' },
    );
    const r = await runTask(pkg, {
      input: ex.input,
      timeoutMs: ex.timeoutMs,
      // The docs show a realistic address; the test serves it from a local echo server.
      fetch: (req, t) =>
        fetcher.fetch({ ...req, url: req.url.replace('http://localhost:9999', server.url) }, t),
    });
    if (ex.kind === 'output') {
      assert.equal(r.status, 'COMPLETED', JSON.stringify(r.error));
      assert.deepEqual(r.output, ex.expected);
    } else if (ex.kind === 'error') {
      const want = ex.expected as { type: string; message?: string; status?: number };
      assert.equal(r.status, 'FAILED');
      assert.equal(r.error?.type, want.type, JSON.stringify(r.error));
      if (want.message !== undefined) assert.equal(r.error?.message, want.message);
      if (want.status !== undefined) assert.equal(r.error?.status, want.status);
    } else if (ex.kind === 'logs') {
      assert.deepEqual(
        r.logs.map((l) => [l.level, l.message]),
        ex.expected,
      );
    } else if (ex.kind === 'progress') {
      assert.deepEqual(
        r.progress.map((p) => [p.fraction, p.message ?? null]),
        ex.expected,
      );
    } else {
      assert.fail(`docs/tasks.md:${ex.line}: unknown expectation block "${ex.kind}"`);
    }
  });
}
