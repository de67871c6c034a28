// Arguments as the agent guide sends them, made into what a tool's schema takes, before validation:
// `task_id_or_path` / `task_name` renamed (aliases.ts); a task named by a path read from disk now
// and recorded as a stored version (services/task-paths.ts), so every tool that takes `task_id`
// works on the folder as it is; and a task `input` sent as a JSON string parsed, with a note.
import type { ToolContext, ToolDefinition } from './tool.ts';
import { looksLikeTaskPath, storeTaskAtPath } from '../../services/task-paths.ts';
import { allows } from '../../services/roles.ts';
import { GUIDE_ARGUMENTS, renameGuideArguments } from './aliases.ts';

export interface PreparedArguments {
  args: unknown;
  notes: string[];
  /** Canonical argument → the name the caller sent it under (error paths use the caller's). */
  sentAs: Record<string, string>;
}

/** Version arguments that choose which stored version a tool reads or runs. */
const VERSION_FIELDS = ['version', 'from_version'] as const;

export async function prepareTaskArguments(
  def: ToolDefinition,
  raw: unknown,
  ctx: Pick<ToolContext, 'app' | 'principal'>,
): Promise<PreparedArguments> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { args: raw, notes: [], sentAs: {} };
  const shape = def.input.shape as Record<string, unknown>;
  // Error paths name the argument the caller sent.
  const field = 'task_id_or_path' in raw && !('task_id' in raw) ? 'task_id_or_path' : 'task_id';
  const notes: string[] = [];
  let args = renameGuideArguments(def, raw) as Record<string, unknown>;
  const sentAs: Record<string, string> = {};
  for (const [alias, canonical] of Object.entries(GUIDE_ARGUMENTS)) {
    if (alias in raw && !(alias in args) && canonical in args) sentAs[canonical] = alias;
  }
  const ref = args.task_id;
  if ('task_id' in shape && typeof ref === 'string' && looksLikeTaskPath(ref)) {
    const remote = ctx.principal.client !== undefined;
    const mayStore = allows(ctx.principal.role, 'write');
    const stored = await storeTaskAtPath(ctx.app, ref, { remote, field, mayStore }, ctx.principal.name);
    args = { ...args, task_id: stored.task.name };
    const versionField = VERSION_FIELDS.find((f) => f in shape);
    if (versionField && args[versionField] === undefined) {
      args[versionField] = stored.version.version;
    }
  }
  if ('input' in shape && typeof args.input === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(args.input);
    } catch {
      // Not JSON: validation names the argument (errors.ts says a string must hold an object).
      return { args, notes, sentAs };
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      args = { ...args, input: parsed };
      notes.push('input was sent as a JSON string and parsed; send it as an object');
    }
  }
  return { args, notes, sentAs };
}
