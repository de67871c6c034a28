import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { TaskRunResult } from '../runtime/run-task.ts';
import type { TaskMetadata } from '../tasks/types.ts';
import { readSession, sessionStamp, writeSession } from './recording.ts';
import { sessionToTestCase } from './recorded-test.ts';

const meta: TaskMetadata = { uuid: 'u-1', name: 'demo', label: 'Demo', version: '1.2.3', tags: [], raw: {} };
const EXEC = '6f1c9a52-0000-4000-8000-000000000001';

function result(over: Partial<TaskRunResult> = {}): TaskRunResult {
  return {
    status: 'COMPLETED',
    executionId: EXEC,
    output: { ok: true, executionId: EXEC, nested: { id: EXEC, keep: 1 } },
    logs: [{ level: 'info', message: 'hello\nworld', timestamp: '2024-05-06T07:08:09.000Z' }],
    progress: [],
    http: [
      {
        request: { method: 'GET', url: 'https://api.test/img', headers: {} },
        response: {
          status: 200,
          statusText: 'OK',
          headers: { 'content-type': 'image/gif' },
          body: Buffer.from('GIF89a').toString('base64'),
          bodyEncoding: 'base64',
          mimeType: 'image/gif',
          url: 'https://api.test/img',
        },
        startedAt: '2024-05-06T07:08:09.100Z',
        durationMs: 3,
      },
    ],
    durationMs: 10,
    ...over,
  };
}

test('sessionStamp is local time YYYYMMDD_HHMMSS', () => {
  assert.equal(sessionStamp(new Date(2024, 0, 2, 3, 4, 5)), '20240102_030405');
  assert.equal(sessionStamp(new Date(2024, 11, 31, 23, 59, 59)), '20241231_235959');
});

test('two sessions in the same second get _2, _3; a session reads back as written', async () => {
  const out = await mkdtemp(join(tmpdir(), 'ratchet-rec-'));
  try {
    const now = new Date(2024, 4, 6, 7, 8, 9);
    const opts = { outDir: join(out, 'deep', 'er'), metadata: meta, input: { q: 1 }, result: result(), now };
    const paths = [await writeSession(opts), await writeSession(opts), await writeSession(opts)];
    assert.deepEqual(
      paths.map((p) => basename(p)),
      [
        'ratchet_session_20240506_070809',
        'ratchet_session_20240506_070809_2',
        'ratchet_session_20240506_070809_3',
      ],
    );
    // The folder given to --record reads as its newest session (…_3), for `replay --recording DIR`.
    assert.equal((await readSession(opts.outDir)).path, paths[2]);
    const s = await readSession(paths[1]!);
    assert.equal(s.stamp, '20240506_070809_2');
    assert.deepEqual(s.input, { q: 1 });
    assert.deepEqual(s.output, result().output);
    assert.deepEqual(s.logs, result().logs, 'a message with a newline survives logs.jsonl');
    assert.equal(s.exchanges[0]?.response?.bodyEncoding, 'base64');
    assert.equal(s.info?.executionId, EXEC);
    assert.equal(s.info?.task.version, '1.2.3');
    assert.equal(s.exchanges[0]?.request.headers['User-Agent'], undefined, 'no userAgent given, none added');

    const failed = await writeSession({
      ...opts,
      result: result({ status: 'FAILED', output: undefined, error: { type: 'DataError', message: 'bad' } }),
      userAgent: 'Ratchet/1.0',
    });
    const f = await readSession(failed);
    assert.deepEqual(f.error, { type: 'DataError', message: 'bad' });
    assert.equal(f.output, undefined);
    assert.equal(f.exchanges[0]?.request.headers['User-Agent'], 'Ratchet/1.0');

    await writeFile(join(failed, 'requests.har'), '{"log":{"entries":[{}]}}');
    await assert.rejects(
      readSession(failed),
      /requests\.har: invalid HAR: log\.entries\[0\]\.startedDateTime/,
    );
    await writeFile(join(failed, 'input.json'), '{oops');
    await assert.rejects(readSession(failed), /input\.json: not valid JSON/);
    await writeFile(join(failed, 'input.json'), '{}');
    await rm(join(failed, 'error.json'));
    await assert.rejects(readSession(failed), /neither output\.json nor error\.json/);
    assert.match(
      await readFile(join(paths[0]!, 'ratchet.log'), 'utf8'),
      /\[http\] GET https:\/\/api\.test\/img -> 200 OK/,
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('a session becomes a mock_http test; fields holding the execution id are left out', async () => {
  const out = await mkdtemp(join(tmpdir(), 'ratchet-rec-'));
  try {
    const path = await writeSession({ outDir: out, metadata: meta, input: {}, result: result() });
    const t = sessionToTestCase(await readSession(path));
    assert.deepEqual(t.expected_output, { ok: true, nested: { keep: 1 } });
    assert.equal(t.match, 'partial');
    assert.deepEqual(t.mock_http.requests[0], {
      method: 'GET',
      url: 'https://api.test/img',
      response: {
        status: 200,
        statusText: 'OK',
        headers: { 'content-type': 'image/gif' },
        body: Buffer.from('GIF89a').toString('base64'),
        bodyEncoding: 'base64',
      },
    });
    const withFailure = await writeSession({
      outDir: out,
      metadata: meta,
      input: {},
      result: result({
        http: [
          {
            request: { method: 'GET', url: 'https://down.test/', headers: {} },
            error: { type: 'NetworkError', message: 'refused' },
            startedAt: '2024-05-06T07:08:09.100Z',
            durationMs: 1,
          },
        ],
      }),
    });
    const session = await readSession(withFailure);
    assert.throws(
      () => sessionToTestCase(session),
      /request 1 \(GET https:\/\/down\.test\/\) failed while recording/,
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
