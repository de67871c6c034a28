import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { renderMcpDocs, renderToolDocs } from './docs.ts';
import { ALL_TOOLS } from './tools/index.ts';
import { MAIN_JS } from './test-helpers.ts';

const DOC = new URL('../../../docs/mcp.md', import.meta.url);

test('docs/mcp.md is the text generated from the tool definitions (regenerate: ratchet mcp docs > docs/mcp.md)', async () => {
  assert.equal(await readFile(DOC, 'utf8'), renderMcpDocs());
});

test('every tool is documented with its access, arguments and an example call', () => {
  const text = renderToolDocs(ALL_TOOLS);
  for (const t of ALL_TOOLS) {
    const start = text.indexOf(`### \`${t.name}\``);
    assert.ok(start >= 0, `${t.name} missing`);
    const section = text.slice(start, text.indexOf('\n### ', start + 1) >>> 0 || undefined);
    assert.match(section, new RegExp(`Access: \\*\\*${t.access}\\*\\*`));
    assert.ok(
      section.includes(JSON.stringify({ name: t.name, arguments: t.example }, null, 2)),
      `${t.name} example`,
    );
    for (const field of Object.keys(t.input.shape))
      assert.ok(section.includes(`\`${field}\``), `${t.name}.${field}`);
  }
  const batch = text.slice(text.indexOf('### `ratchet_batch_execute`'));
  assert.match(batch, /`requests\[\]\.dependencies`/);
});

test('ratchet mcp docs prints the same text', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [MAIN_JS, 'mcp', 'docs']);
  assert.equal(stdout, renderMcpDocs());
});
