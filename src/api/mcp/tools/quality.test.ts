// The quality tools through the official MCP client over HTTP, on stored fixtures with known
// answers; every answer is checked against the tool's declared output schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { savePackage } from '../../../services/task-packages.ts';
import { loadTask } from '../../../tasks/load.ts';
import type { Ratchet } from '../../../app.ts';
import { ok, withMcpHttp } from '../test-helpers.ts';
import { ALL_TOOLS } from './index.ts';

const FIXTURES = new URL('../../../../test/fixtures/quality/', import.meta.url).pathname;

async function store(app: Ratchet, ...names: string[]): Promise<void> {
  for (const n of names)
    await savePackage(app.store.db, await loadTask(`${FIXTURES}${n}`), { changeSource: 'cli' });
}

function checked(name: string, res: unknown) {
  const body = ok(res);
  ALL_TOOLS.find((t) => t.name === name)!.output.parse(body);
  return body;
}

test('ratchet_analyze_test_coverage: the untested branch, described, with a suggested case', async () => {
  await withMcpHttp(
    async ({ app, connect }) => {
      await store(app, 'untested-branch');
      const client = await connect();
      const res = await client.callTool({
        name: 'ratchet_analyze_test_coverage',
        arguments: { task_id: 'untested-branch' },
      });
      const body = checked('ratchet_analyze_test_coverage', res);
      assert.equal(body.tests.passed, 2);
      assert.deepEqual(body.coverage.uncovered_lines, [
        { line: 5, source: "    return { sign: 'negative' };" },
      ]);
      assert.deepEqual(body.coverage.uncovered_branches[0], {
        line: 3,
        type: 'if',
        arm: 'then',
        condition: 'value < 0',
      });
      assert.equal(body.coverage.suggestions[0], 'line 3: add a case whose input makes `value < 0` true');
      const missing = await client.callTool({
        name: 'ratchet_analyze_test_coverage',
        arguments: { task_id: 'nope' },
      });
      assert.equal(missing.isError, true);
    },
    {},
    [],
  );
});
