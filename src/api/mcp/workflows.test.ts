// An agent builds a 3-step workflow from existing tasks and runs it with no human, through the
// official client: validate (and fix what it says), save, start and wait with progress, read the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers } from '../../app.ts';
import { withMcpHttp } from './test-helpers.ts';

const CHAIN = (third: string) => ({
  name: 'sum-chain',
  version: '1.0.0',
  description: 'three additions',
  steps: [
    { name: 'one', task: 'addition', input: { num1: 'workflow.x', num2: 1 } },
    { name: 'two', task: 'addition', dependencies: ['one'], input: { num1: 'steps.one.sum', num2: 2 } },
    { name: 'three', task: 'addition', dependencies: ['two'], input: { num1: third, num2: 3 } },
  ],
});

test('an agent builds and runs a 3-step workflow over MCP, with progress as steps finish', async () => {
  await withMcpHttp(async ({ app, connect }) => {
    const workers = await startWorkers(app, { log: () => {} });
    try {
      const client = await connect();
      const call = async (
        name: string,
        args: Record<string, unknown>,
        onprogress?: (p: { progress: number }) => void,
      ) =>
        (await client.callTool({ name, arguments: args }, onprogress ? { onprogress } : undefined)) as {
          isError?: boolean;
          structuredContent: any; // eslint-disable-line @typescript-eslint/no-explicit-any
        };
      // A reference to a step that is not an ancestor: the agent is told which and where.
      const checked = await call('ratchet_validate_workflow', { definition: CHAIN('steps.three.sum') });
      assert.equal(checked.structuredContent.valid, false);
      assert.match(
        checked.structuredContent.problems[0].message,
        /input reads step "three", which is not an ancestor/,
      );
      assert.equal(checked.structuredContent.problems[0].step, 'three');
      const saved = await call('ratchet_save_workflow', { definition: CHAIN('steps.two.sum') });
      assert.equal(saved.isError, undefined);
      assert.deepEqual(saved.structuredContent.workflow, {
        name: 'sum-chain',
        version: '1.0.0',
        description: 'three additions',
        created: true,
      });
      const progress: number[] = [];
      const started = await call(
        'ratchet_start_workflow',
        { workflow: 'sum-chain', input: { x: 10 }, wait_seconds: 60 },
        (p) => progress.push(p.progress),
      );
      const run = started.structuredContent.run;
      assert.equal(started.structuredContent.ended, true);
      assert.equal(run.status, 'COMPLETED');
      assert.deepEqual(run.output, { three: { sum: 16, product: 39 } });
      assert.match(run.graph, /s_two --> s_three/);
      assert.ok(progress.length >= 1 && progress.at(-1) === 1, `progress ${JSON.stringify(progress)}`);
      const read = await call('ratchet_get_workflow_run', {
        run_id: run.run_uuid,
        include_transitions: true,
      });
      assert.ok(
        read.structuredContent.transitions.some((t: { actor: string }) => t.actor === 'mcp:anonymous'),
      );
    } finally {
      await workers.stop(1000);
    }
  });
});
