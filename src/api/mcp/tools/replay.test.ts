// ratchet_replay_execution through the official MCP client over HTTP: a run that fetched from a
// local server is replayed after the server is gone (every fetch answered from the recorded
// exchanges), on its own version (the same outcome) and on another (the output difference by path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { savePackage } from '../../../tasks/stored-versions.ts';
import { loadTask } from '../../../tasks/load.ts';
import { ok, withMcpHttp } from '../test-helpers.ts';
import { ALL_TOOLS } from './index.ts';

async function taskFolder(root: string, version: string, factor: number): Promise<string> {
  const dir = path.join(root, version);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ name: 'multiplier', version }));
  await writeFile(
    path.join(dir, 'main.js'),
    `(function(input) { const r = fetch(input.url); return { v: r.json().n * ${factor} }; })`,
  );
  return dir;
}

test('ratchet_replay_execution: the recorded exchanges answer; same version matches, another differs', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'ratchet-mcp-replay-'));
  const server = createServer((_req, res) =>
    res.setHeader('content-type', 'application/json').end('{"n":21}'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await withMcpHttp(
      async ({ app, connect }) => {
        for (const [version, factor] of [
          ['1.0.0', 2],
          ['1.1.0', 3],
        ] as const) {
          await savePackage(app.store.db, await loadTask(await taskFolder(root, version, factor)), {
            changeSource: 'cli',
          });
        }
        const client = await connect();
        const ran = ok(
          await client.callTool({
            name: 'ratchet_execute_task',
            arguments: { task_id: 'multiplier', version: '1.0.0', input: { url: `http://${host}/n` } },
          }),
        );
        assert.deepEqual(ran.output, { v: 42 });
        await new Promise((resolve) => server.close(resolve));
        const tool = ALL_TOOLS.find((t) => t.name === 'ratchet_replay_execution')!;

        const same = ok(
          await client.callTool({
            name: 'ratchet_replay_execution',
            arguments: { execution_id: ran.execution_id },
          }),
        );
        tool.output.parse(same);
        assert.equal(same.version, '1.0.0');
        assert.equal(same.matches, true, JSON.stringify(same));
        assert.deepEqual(same.replayed, { status: 'COMPLETED', output: { v: 42 }, error: null });

        const other = ok(
          await client.callTool({
            name: 'ratchet_replay_execution',
            arguments: { execution_id: ran.execution_id, version: '1.1.0' },
          }),
        );
        tool.output.parse(other);
        assert.equal(other.matches, false);
        assert.deepEqual(other.differences, [{ path: '$.v', kind: 'changed', expected: 42, actual: 63 }]);

        const missing = await client.callTool({
          name: 'ratchet_replay_execution',
          arguments: { execution_id: 99999 },
        });
        assert.equal(missing.isError, true);
        assert.match(JSON.stringify(missing.content), /no execution 99999/);
      },
      { http: { allowed_hosts: [host] } },
      [],
    );
  } finally {
    server.close();
    await rm(root, { recursive: true, force: true });
  }
});
