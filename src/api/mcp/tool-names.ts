// The names a tools/call may use besides a tool's own: the agent guide writes `ratchet.get_task_info`
// and, in prose, bare `execute_task`; a few of its tools exist here under another name. These are
// never listed (the budget of tools/list stays the same); docs/mcp.md lists them.
import { closest } from '../../config/errors.ts';

/** The guide's name (without prefix) → this server's tool. */
export const GUIDE_TOOL_NAMES: Readonly<Record<string, `ratchet_${string}`>> = {
  execute_task_batch: 'ratchet_batch_execute',
  validate_task_structure: 'ratchet_validate_task',
  test_task: 'ratchet_run_task_tests',
  import_task: 'ratchet_import_tasks',
  export_task: 'ratchet_export_tasks',
  update_test_case: 'ratchet_create_test_case',
};

/** `ratchet.x`, `ratchet_x` or `x` → the tool it names (which may not exist). */
export function canonicalToolName(name: string): string {
  const bare = name.replace(/^ratchet[._]/, '');
  return GUIDE_TOOL_NAMES[bare] ?? `ratchet_${bare}`;
}

/** `Tool x not found` with the nearest known name, for a name nothing answers to. */
export function unknownToolMessage(name: string, known: readonly string[]): string {
  const near = closest(canonicalToolName(name), known);
  return `Tool ${name} not found${near ? ` (did you mean ${near}?)` : ''}; ratchet_list_toolsets lists every toolset and its tools`;
}
