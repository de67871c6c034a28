// Zip import inflates off the event loop (issue 12 item 7): while a large archive is being
// unpacked, the same process still answers HTTP. Before, the inflation ran synchronously on the
// main thread, so a /health request sent after the import started was answered only after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer } from 'node:http';
import { strToU8, zipSync } from 'fflate';
import { packagesFromZip } from '../services/task-transfer.ts';
import { readTaskZip } from './zip.ts';

/** A task folder whose test case inflates to ~40 MB (it compresses to a few tens of KB). */
function bigArchive(): Uint8Array {
  const big = JSON.stringify({
    name: 'big',
    input: { text: 'x'.repeat(40 * 1024 * 1024) },
    expected_output: 1,
  });
  return zipSync({
    'big/metadata.json': strToU8(JSON.stringify({ name: 'big', version: '1.0.0', description: 'big' })),
    'big/main.js': strToU8('function main(input) { return 1; }'),
    'big/tests/huge.json': strToU8(big),
  });
}

async function healthServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/health`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const [name, unpack] of [
  ['packagesFromZip (ratchet_import_tasks)', (d: Uint8Array) => packagesFromZip(d)],
  ['readTaskZip (task folders from .zip)', (d: Uint8Array) => readTaskZip(d, 'big.zip')],
] as const) {
  void test(`${name}: a concurrent HTTP request is answered before the inflation finishes`, async () => {
    const data = bigArchive();
    const health = await healthServer();
    try {
      const order: string[] = [];
      const importing = Promise.resolve(unpack(data)).then((r) => {
        order.push('import');
        return r;
      });
      const probe = fetch(health.url).then(async (res) => {
        assert.equal(res.status, 200);
        await res.text();
        order.push('health');
      });
      const [result] = await Promise.all([importing, probe]);
      assert.deepEqual(order, ['health', 'import']);
      // And the archive was read completely.
      const files = Array.isArray(result) ? result[0]!.files : result.files;
      assert.equal(files['tests/huge.json']!.length > 40 * 1024 * 1024, true);
    } finally {
      await health.close();
    }
  });
}

void test('a corrupt entry is reported, not thrown past the caller', async () => {
  const data = bigArchive();
  // Damage the compressed bytes of the last entry's data (after its local header).
  const broken = data.slice();
  for (let i = Math.floor(broken.length / 2); i < Math.floor(broken.length / 2) + 64; i++) broken[i] = 0xff;
  const r = await readTaskZip(broken, 'broken.zip');
  assert.ok(r.problems.length > 0, JSON.stringify(r));
});
