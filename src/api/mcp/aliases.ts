// Deprecated argument names, renamed to their canonical names before validation. Earlier versions
// of the development tools called the task `task` (now `task_id`, as the execution tools and the
// original Ratchet do), the version a change is saved as `version` (now `new_version`), and so on.
// A rename happens only when it cannot change the meaning of a call: the tool has the canonical
// argument, has no argument of the old name itself, and the caller sent the old name but not the
// canonical one. Everything else reaches validation unchanged, so an unknown name (or an old name
// sent together with its canonical one) is still rejected by name.
import type { ToolDefinition } from './tool.ts';

/** Old name → canonical name. Listed in docs/mcp.md; never listed in a tool's input schema. */
export const DEPRECATED_ARGUMENTS: Readonly<Record<string, string>> = {
  task: 'task_id',
  tasks: 'task_ids',
  version: 'new_version',
  id: 'result_id',
  with_reference: 'include_reference',
};

export interface RenamedArguments {
  args: unknown;
  /** One line per rename, e.g. `"task" is deprecated; use "task_id"`. */
  notes: string[];
}

export function renameDeprecatedArguments(def: ToolDefinition, args: unknown): RenamedArguments {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return { args, notes: [] };
  const shape = def.input.shape as Record<string, unknown>;
  const given = args as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const notes: string[] = [];
  for (const [old, canonical] of Object.entries(DEPRECATED_ARGUMENTS)) {
    if (!(old in given) || old in shape || !(canonical in shape) || canonical in given) continue;
    out ??= { ...given };
    out[canonical] = out[old];
    delete out[old];
    notes.push(`argument "${old}" is deprecated; use "${canonical}"`);
  }
  return { args: out ?? args, notes };
}

/**
 * Names the agent guide uses for arguments this server calls otherwise, renamed silently (they are
 * accepted spellings, not deprecated ones): `task_id_or_path` on every tool that names a task (a
 * path is resolved by task-args.ts) and the guide's `task_name` for ratchet_create_task's `name`.
 */
export const GUIDE_ARGUMENTS: Readonly<Record<string, string>> = {
  task_id_or_path: 'task_id',
  task_name: 'name',
};

/** Tools whose `name` argument is the name of a task (so `task_name` may stand for it). */
const TASK_NAME_TOOLS = new Set(['ratchet_create_task']);

export function renameGuideArguments(def: ToolDefinition, args: unknown): unknown {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return args;
  const shape = def.input.shape as Record<string, unknown>;
  const given = args as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const [alias, canonical] of Object.entries(GUIDE_ARGUMENTS)) {
    if (!(alias in given) || alias in shape || !(canonical in shape) || canonical in given) continue;
    if (alias === 'task_name' && !TASK_NAME_TOOLS.has(def.name)) continue;
    out ??= { ...given };
    out[canonical] = out[alias];
    delete out[alias];
  }
  return out ?? args;
}

/**
 * Arguments from the agent guide this server cannot honour, with what to send instead; named in the
 * unknown-argument error so the model's next call is the right one.
 */
export const UNSUPPORTED_ARGUMENT_HINTS: Readonly<Record<string, string>> = {
  specification:
    'the server does not write code from a free-text specification; send the JavaScript as "code" (function(input, context) { ... }) with "description"',
  auto_generate_schemas:
    'schemas are not generated; send "input_schema" and "output_schema" (JSON Schema objects) yourself',
  include_error_handling: 'write the error handling into "code" (throw DataError, HttpError, …)',
  create_test_suite: 'send the cases as "test_cases" (each with name, input and expected_output)',
};
