// What a model reads of tools/list on every turn (names, descriptions, input schemas), measured on
// the real list through the official client: the default toolsets within 24,000 characters
// (~6,000 tokens), and no schema carrying zod's ±(2^53−1) integer bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withMcpHttp } from './test-helpers.ts';

export const DEFAULT_BUDGET = 24_000;

test('tools/list: the default toolsets fit the budget; schemas carry no 2^53 bounds', async () => {
  await withMcpHttp(async ({ connect }) => {
    const client = await connect();
    const { tools } = await client.listTools();
    const visible = tools.reduce(
      (n, t) => n + t.name.length + (t.description ?? '').length + JSON.stringify(t.inputSchema).length,
      0,
    );
    assert.ok(visible <= DEFAULT_BUDGET, `default toolsets: ${visible} characters > ${DEFAULT_BUDGET}`);
    assert.ok(tools.length >= 15, `${tools.length} tools listed`);
    for (const t of tools) {
      const text = JSON.stringify([t.inputSchema, t.outputSchema]);
      assert.doesNotMatch(text, /9007199254740991/, t.name);
    }
  });
});
