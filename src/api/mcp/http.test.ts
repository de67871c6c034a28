import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, withMcpHttp } from './test-helpers.ts';

for (const protocol of ['legacy', 'modern'] as const) {
  test(`HTTP /mcp serves the ${protocol} protocol: list tools, execute addition, read status`, async () => {
    await withMcpHttp(async ({ connect }) => {
      const client = await connect({ protocol });
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      assert.ok(names.includes('ratchet_execute_task'), names.join(','));
      const exec = tools.find((t) => t.name === 'ratchet_execute_task')!;
      assert.equal(exec.annotations?.readOnlyHint, false);
      assert.ok(exec.outputSchema, 'output schema listed');
      const res = await client.callTool({
        name: 'ratchet_execute_task',
        arguments: { task_id: 'addition', input: { num1: 2, num2: 3 } },
      });
      const out = ok(res);
      assert.equal(out.status, 'COMPLETED');
      assert.deepEqual(out.output, { sum: 5, product: 6 });
      const text = (res.content as { type: string; text: string }[])[0]!.text;
      assert.deepEqual(JSON.parse(text), out);
      const status = ok(
        await client.callTool({
          name: 'ratchet_get_execution_status',
          arguments: { execution_id: out.execution_id },
        }),
      );
      assert.equal(status.task, 'addition');
      assert.equal(status.status, 'COMPLETED');
    });
  });
}
