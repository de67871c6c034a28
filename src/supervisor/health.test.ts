// The HTTP check is a GET written on a TCP socket and judged by its status line: against a real
// node:http server (2xx, non-2xx, query strings), a socket that answers garbage, one that never
// answers, and a closed port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { runHealthCheck } from './health.ts';
import { alignedDelay } from './managed.ts';
import { freePort } from './test-helpers/fixture.ts';

const opts = () => ({ cwd: process.cwd(), env: process.env });
const http = (url: string, timeoutMs = 1000) => runHealthCheck({ kind: 'http', url }, timeoutMs, opts);

test('HTTP health check: status line, host header, garbage, silence, refused', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.host}`);
    res.statusCode = req.url === '/ok?x=1' ? 204 : 503;
    res.end('body');
  });
  const garbage = createTcpServer((s) => s.end('hello\r\n'));
  const silent = createTcpServer(() => undefined);
  for (const s of [server, garbage, silent]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s: { address(): unknown }) => (s.address() as AddressInfo).port;
  try {
    assert.deepEqual(await http(`http://127.0.0.1:${port(server)}/ok?x=1`), { ok: true, detail: 'HTTP 204' });
    assert.deepEqual(await http(`http://127.0.0.1:${port(server)}/down`), { ok: false, detail: 'HTTP 503' });
    assert.deepEqual(seen, [`/ok?x=1 127.0.0.1:${port(server)}`, `/down 127.0.0.1:${port(server)}`]);
    assert.deepEqual(await http(`http://127.0.0.1:${port(garbage)}/`), {
      ok: false,
      detail: 'not an HTTP answer',
    });
    assert.deepEqual(await http(`http://127.0.0.1:${port(silent)}/`, 150), {
      ok: false,
      detail: 'no answer within 150 ms',
    });
    assert.deepEqual(await http(`http://127.0.0.1:${await freePort()}/`), {
      ok: false,
      detail: 'ECONNREFUSED',
    });
  } finally {
    for (const s of [server, garbage, silent]) s.close();
  }
  // Checks share a grid of their interval, at least half an interval after the last one.
  assert.equal(alignedDelay(1000, 10_300), 700);
  assert.equal(alignedDelay(1000, 10_800), 1200);
});
