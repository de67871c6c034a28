// A run that says nothing for 70 s, through ratchet_execute_task by the official client with its
// default request timeout (60 s) and resetTimeoutOnProgress: the server's progress heartbeat keeps
// the request alive and the call completes. The first notification names the execution. (The test
// takes 70 s by its nature; run it alongside others.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ok, withMcpHttp } from './test-helpers.ts';

const SILENT = `async function main() {
  await new Promise((resolve) => setTimeout(resolve, 70000));
  return { done: true };
}`;

test('execute_task: a 70 s silent run completes under the default timeout with resetTimeoutOnProgress', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-silent-'));
  await mkdir(join(dir, 'silent'));
  await writeFile(
    join(dir, 'silent', 'metadata.json'),
    JSON.stringify({ name: 'silent', version: '1.0.0', timeout: 90000 }),
  );
  await writeFile(join(dir, 'silent', 'main.js'), SILENT);
  try {
    await withMcpHttp(
      async ({ connect }) => {
        const client = await connect();
        const messages: string[] = [];
        const res = await client.callTool(
          { name: 'ratchet_execute_task', arguments: { task_id_or_path: 'silent/' } },
          {
            onprogress: (p) => void messages.push(p.message ?? ''),
            resetTimeoutOnProgress: true,
          },
        );
        assert.equal(ok(res).status, 'COMPLETED');
        assert.match(messages[0] ?? '', /^execution_id \d+ started$/);
        assert.ok(messages.length >= 4, `${messages.length} notifications`);
      },
      { mcp: { allowed_roots: [dir] }, execution: { max_execution_duration: 120 } },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
