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
import type { ToolDefinition, ToolPrincipal } from './tool.ts';
import { ALL_TOOLS } from './tools/index.ts';
import { disabledBy } from './tools/groups.ts';

export const LOCAL_ADMIN: ToolPrincipal = { name: 'local', role: 'admin', id: 'local' };

const INSTRUCTIONS = `Ratchet runs small JavaScript tasks in a sandbox. Typical flow: ratchet_list_available_tasks to see tasks and their schemas; ratchet_execute_task to run one (pass task_id and input); on failure ratchet_analyze_execution_error with the execution_id for a diagnosis, then ratchet_get_execution_logs / ratchet_get_execution_trace for detail. Development tools create, validate, test and version tasks. Resources ratchet://tasks/{name}/... and ratchet://executions/{id} expose files and runs; prompts develop_task and debug_execution walk through the workflows.`;

export interface CreateMcpServerOptions {
  /** Tools to offer (default ALL_TOOLS); tests pass their own. */
  tools?: readonly ToolDefinition[];
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
  for (const def of offeredTools) {
    offered.set(def.name, { def, registered: registerToolDefinition(mcp, def, app, principal) });
  }
  installTasks(mcp, app, principal, offered);
  registerResources(mcp, app);
  registerPrompts(mcp);
  return mcp;
}
