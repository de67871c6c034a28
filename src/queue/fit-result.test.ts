import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitResult, unstorable, type StoredParts } from './fit-result.ts';

const exchange = (body: string, encoding: 'utf8' | 'base64' = 'utf8') => ({
  request: { method: 'GET', url: 'http://127.0.0.1/x', headers: {} },
  response: {
    status: 200,
    statusText: 'OK',
    headers: {},
    body,
    bodyEncoding: encoding,
    mimeType: 'text/plain',
    url: 'http://127.0.0.1/x',
  },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
});
const size = (p: StoredParts): number =>
  [p.output, p.error, p.logs, p.http, p.progress].reduce<number>(
    (n, v) => n + (v === undefined || v === null ? 0 : Buffer.byteLength(JSON.stringify(v))),
    0,
  );

void test('a result within the cap is returned as it is', () => {
  const parts: StoredParts = { status: 'COMPLETED', output: { a: 1 }, logs: [], http: [exchange('hi')] };
  assert.equal(fitResult(parts, 10_000), parts);
});

void test('recorded bodies are cut to one length with a marker to fit; small bodies stay whole', () => {
  const http = [
    exchange('s'.repeat(100)),
    ...Array.from({ length: 10 }, () => exchange('x'.repeat(100_000))),
  ];
  const parts: StoredParts = {
    status: 'COMPLETED',
    output: { ok: true },
    logs: [{ message: 'hello' }],
    http,
  };
  const fitted = fitResult(parts, 200_000);
  assert.equal(fitted.status, 'COMPLETED');
  assert.deepEqual(fitted.output, { ok: true });
  assert.ok(size(fitted) <= 200_000, String(size(fitted)));
  assert.ok(size(fitted) > 150_000, `kept as much as fits: ${size(fitted)}`);
  const bodies = (fitted.http as ReturnType<typeof exchange>[]).map((x) => x.response);
  assert.equal(bodies[0]!.body, 's'.repeat(100));
  for (const b of bodies.slice(1)) {
    assert.match(
      b.body,
      /… \[truncated by Ratchet: 100000 characters; the execution record keeps at most 200000 bytes \(execution\.max_result_bytes\)\]$/,
    );
    assert.equal((b as { truncatedFrom?: number }).truncatedFrom, 100_000);
  }
  // base64 bodies are cut on whole quads, without a marker inside the data.
  const b64 = fitResult({ status: 'COMPLETED', http: [exchange('QUJD'.repeat(10_000), 'base64')] }, 5_000);
  const body = b64.http[0]!.response.body;
  assert.equal(body.length % 4, 0);
  assert.ok(size(b64) <= 5_000);
});

void test('a result that cannot fit fails with ResultTooLargeError and keeps only its verdict', () => {
  const parts: StoredParts = {
    status: 'COMPLETED',
    output: 'o'.repeat(10_000),
    logs: [{ message: 'x' }],
    http: [exchange('y'.repeat(1000))],
    progress: { percent: 50 },
  };
  const fitted = fitResult(parts, 5_000);
  assert.equal(fitted.status, 'FAILED');
  assert.equal(fitted.output, null);
  assert.equal(fitted.http, null);
  assert.equal(fitted.logs, null);
  assert.deepEqual(fitted.progress, { percent: 50 });
  assert.equal(fitted.error?.type, 'ResultTooLargeError');
  assert.match(
    fitted.error.message,
    /exceeds 0\.0 MiB \(execution\.max_result_bytes\); its output, logs and recorded HTTP traffic were not stored/,
  );
  // A failed run keeps what its own error was.
  const failed = unstorable(
    { status: 'FAILED', error: { type: 'TimeoutError', message: 'too slow' } },
    'the database refused it',
    'ResultStoreError',
  );
  assert.equal(failed.error?.type, 'ResultStoreError');
  assert.match(
    failed.error.message,
    /the database refused it\. The run itself ended with TimeoutError: too slow/,
  );
});
