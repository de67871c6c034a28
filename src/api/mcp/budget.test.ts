// What a model reads of tools/list on every turn (names, descriptions, input schemas), measured on
// the real list through the official client: the default toolsets within 24,000 characters
// (~6,000 tokens), every toolset within 48,000, and no schema carrying zod's ±(2^53−1) bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import { withMcpHttp } from './test-helpers.ts';
import { LISTED_BUDGET } from './docs-agents.ts';

async function measure(client: Client): Promise<{ visible: number; count: number }> {
  const { tools } = await client.listTools();
  for (const t of tools) {
    assert.doesNotMatch(JSON.stringify([t.inputSchema, t.outputSchema]), /9007199254740991/, t.name);
  }
  const visible = tools.reduce(
    (n, t) => n + t.name.length + (t.description ?? '').length + JSON.stringify(t.inputSchema).length,
    0,
  );
  return { visible, count: tools.length };
}

test('tools/list: the default toolsets and every toolset fit their budgets; no 2^53 bounds', async () => {
  await withMcpHttp(async ({ connect }) => {
    const d = await measure(await connect());
    assert.ok(
      d.visible <= LISTED_BUDGET.default,
      `default: ${d.visible} characters > ${LISTED_BUDGET.default}`,
    );
    assert.ok(d.count >= 15, `${d.count} tools listed by default`);
  });
  await withMcpHttp(
    async ({ connect }) => {
      const all = await measure(await connect());
      assert.ok(all.visible <= LISTED_BUDGET.all, `all: ${all.visible} characters > ${LISTED_BUDGET.all}`);
      assert.ok(all.count >= 60, `${all.count} tools listed with every toolset`);
    },
    { mcp: { tools: { toolsets: ['all'] } } },
  );
});
