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
