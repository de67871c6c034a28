// Every tool named by a group switch or the execute limits exists, so renaming a tool cannot
// silently take it out of mcp.tools.enable_* or the per-client execution limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_TOOLS } from './index.ts';
import { EXECUTE_TOOLS, TOOL_GROUPS, disabledBy } from './groups.ts';

void test('group and execute-limit tool names are real tools, each in at most one group', () => {
  const names = new Set(ALL_TOOLS.map((t) => t.name));
  const grouped = Object.values(TOOL_GROUPS).flat();
  for (const n of [...grouped, ...EXECUTE_TOOLS]) assert.ok(names.has(n as `ratchet_${string}`), n);
  assert.equal(new Set(grouped).size, grouped.length);
  const allOn = {
    enable_execution: true,
    enable_logging: true,
    enable_monitoring: true,
    enable_debugging: true,
  };
  assert.equal(disabledBy(allOn, 'ratchet_execute_task'), undefined);
  assert.equal(
    disabledBy({ ...allOn, enable_debugging: false }, 'ratchet_replay_execution'),
    'enable_debugging',
  );
});
