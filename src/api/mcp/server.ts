// One McpServer for one principal: every tool of ALL_TOOLS the principal's role allows (viewer keys
// get only read tools), the task and execution resources, and the prompts. stdio builds one per
// connection; HTTP builds one per request (stateless, so any server node can answer any request).
import { McpServer } from '@modelcontextprotocol/server';
import type { Ratchet } from '../../app.ts';
import { allows } from '../../services/roles.ts';
import { ratchetVersion } from '../../version.ts';
import { registerToolDefinition } from './framework.ts';
import { registerPrompts } from './prompts.ts';
import { registerResources } from './resources.ts';
import { installTasks, type OfferedTool } from './tasks.ts';
import type { ToolDefinition, ToolPrincipal, ToolsetControl } from './tool.ts';
import { ALL_TOOLS } from './tools/index.ts';
import { disabledBy } from './tools/groups.ts';
import {
  ALWAYS_LISTED,
  DEFAULT_TOOLSETS,
  FOLDED,
  parseToolsets,
  toolsetOf,
  type ToolsetName,
} from './tools/toolsets.ts';

export const LOCAL_ADMIN: ToolPrincipal = { name: 'local', role: 'admin', id: 'local' };

const INSTRUCTIONS = `Ratchet runs small JavaScript tasks in a sandbox. Name a task by id, UUID, name or the path of its folder on disk (task_id, also accepted as task_id_or_path; a folder is read fresh on every call, so edits are seen at once). Typical flow: ratchet_list_available_tasks; ratchet_get_task_info; edit the folder (or ratchet_edit_task); ratchet_validate_task and ratchet_run_task_tests; ratchet_execute_task (input as an object); on failure ratchet_analyze_execution_error with the execution_id, then ratchet_get_execution_logs / ratchet_get_execution_trace. tools/list shows the default toolsets; ratchet_list_toolsets and ratchet_enable_toolset show the others (jobs and schedules, development, registry), whose tools also answer when called by name.`;

export interface CreateMcpServerOptions {
  /** Tools to offer (default ALL_TOOLS); tests pass their own. */
  tools?: readonly ToolDefinition[];
  /** Toolsets tools/list shows (default: mcp.tools.toolsets, else DEFAULT_TOOLSETS). */
  toolsets?: readonly ToolsetName[];
  /** The server lives for a connection (stdio): an enabled toolset stays listed. */
  persistent?: boolean;
}

/** The toolsets listed at start: the option, else mcp.tools.toolsets, else the defaults. */
export function startToolsets(app: Ratchet, given?: readonly ToolsetName[]): ToolsetName[] {
  if (given) return [...given];
  const configured = app.config.mcp.tools.toolsets;
  return configured ? parseToolsets(configured) : [...DEFAULT_TOOLSETS];
}

/** The tools a principal may call. */
export function toolsFor(
  principal: ToolPrincipal,
  tools: readonly ToolDefinition[] = ALL_TOOLS,
): ToolDefinition[] {
  return tools.filter((t) => allows(principal.role, t.access));
}

export function createMcpServer(
  app: Ratchet,
  principal: ToolPrincipal,
  opts: CreateMcpServerOptions = {},
): McpServer {
  const mcp = new McpServer(
    { name: 'ratchet', version: ratchetVersion() },
    { instructions: INSTRUCTIONS, capabilities: { tools: {}, resources: {}, prompts: {} } },
  );
  const offered = new Map<string, OfferedTool>();
  // mcp.tools.enable_*: a switched-off group is neither listed nor callable.
  const offeredTools = toolsFor(principal, opts.tools).filter(
    (def) => disabledBy(app.config.mcp.tools, def.name) === undefined,
  );
  // Toolsets decide only what is listed; an unlisted tool is registered disabled and still
  // answers tools/call (tasks.ts). Tools in no toolset (tests' own) are always listed.
  const listed = new Set<ToolsetName>(startToolsets(app, opts.toolsets));
  const isListed = (name: string): boolean => {
    if ((ALWAYS_LISTED as readonly string[]).includes(name)) return true;
    if (name in FOLDED) return false;
    const set = toolsetOf(name);
    return set === undefined || listed.has(set);
  };
  const control: ToolsetControl = {
    listed: () => [...listed],
    offered: new Set(offeredTools.map((d) => d.name)),
    persistent: opts.persistent ?? false,
    enable(name) {
      if (listed.has(name as ToolsetName)) return false;
      listed.add(name as ToolsetName);
      for (const { def, registered } of offered.values()) {
        // enable() sends tools/list_changed when connected; once per toolset is enough.
        if (!registered.enabled && isListed(def.name)) registered.update({ enabled: true });
      }
      mcp.sendToolListChanged();
      return true;
    },
  };
  for (const def of offeredTools) {
    const registered = registerToolDefinition(mcp, def, app, principal, control);
    if (!isListed(def.name)) registered.disable();
    offered.set(def.name, { def, registered });
  }
  installTasks(mcp, app, principal, offered);
  registerResources(mcp, app);
  registerPrompts(mcp);
  return mcp;
}
