// ratchet_compare_with_baseline through the official MCP client over HTTP: two stored versions of
// a task, the latest's cases run through both; the answer matches the tool's output schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { savePackage } from '../../../tasks/stored-versions.ts';
import { loadTask } from '../../../tasks/load.ts';
import { ok, withMcpHttp } from '../test-helpers.ts';
import { ALL_TOOLS } from './index.ts';

async function taskFolder(root: string, version: string, code: string): Promise<string> {
  const dir = path.join(root, version);
  await mkdir(path.join(dir, 'tests'), { recursive: true });
  await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ name: 'halver', version }));
  await writeFile(path.join(dir, 'main.js'), code);
  await writeFile(
    path.join(dir, 'tests', 'two.json'),
    JSON.stringify({ input: { n: 2 }, expected_output: 1 }),
  );
  await writeFile(
    path.join(dir, 'tests', 'odd.json'),
    JSON.stringify({ input: { n: 3 }, expected_output: 1 }),
  );
  return dir;
}

test('ratchet_compare_with_baseline: a changed output by path, an unchanged case, regressions counted', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'ratchet-mcp-baseline-'));
  try {
    await withMcpHttp(
      async ({ app, connect }) => {
        for (const [version, code] of [
          ['1.0.0', '(function(input) { return Math.floor(input.n / 2); })'],
          ['1.1.0', '(function(input) { return input.n / 2; })'],
        ] as const) {
          await savePackage(app.store.db, await loadTask(await taskFolder(root, version, code)), {
            changeSource: 'cli',
          });
        }
        const client = await connect();
        const res = await client.callTool({
          name: 'ratchet_compare_with_baseline',
          arguments: { task_id: 'halver', baseline_version: '1.0.0' },
        });
        const body = ok(res);
        ALL_TOOLS.find((t) => t.name === 'ratchet_compare_with_baseline')!.output.parse(body);
        assert.equal(body.version, '1.1.0');
        assert.equal(body.regressions, 1);
        const byName = Object.fromEntries(
          (body.cases as { name: string; change: string }[]).map((c) => [c.name, c]),
        );
        assert.deepEqual(byName.odd, {
          ...byName.odd,
          change: 'output-changed',
          output_changes: [{ path: '$', kind: 'changed', before: 1, after: 1.5 }],
        });
        assert.equal(byName.two?.change, 'same');
        const missing = await client.callTool({
          name: 'ratchet_compare_with_baseline',
          arguments: { task_id: 'halver', baseline_version: '0.9.0' },
        });
        assert.equal(missing.isError, true);
        assert.match(JSON.stringify(missing.content), /halver.*0\.9\.0/);
      },
      {},
      [],
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
