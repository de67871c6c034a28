// MCP tasks (protocol 2025-11-25, experimental) on top of the SDK, which ships the wire vocabulary
// but no server runtime for it. A tools/call carrying `params.task` to a tool listed with
// `execution.taskSupport` is answered at once with a CreateTaskResult and runs in the background
// (task-runner.ts); tasks/get, tasks/result, tasks/list and tasks/cancel read the durable task
// state (services/mcp-tasks.ts), so with stateless HTTP any node can answer them.
//
// The 2026-07-28 protocol removed tasks: its codec strips `execution.taskSupport` and
// `capabilities.tasks`, the tasks/* handlers are registered with the spec (two-argument) form so
// that era answers "method not found", and a `task` parameter on a 2026 request is ignored (the
// call runs as a plain call). Those clients use progress notifications or ratchet_create_job.
import {
  ProtocolError,
  ProtocolErrorCode,
  RELATED_TASK_META_KEY,
  type CallToolRequest,
  type McpServer,
  type RegisteredTool,
  type ServerContext,
  type Task,
} from '@modelcontextprotocol/server';
import type { Ratchet } from '../../app.ts';
import { ValidationError } from '../../services/errors.ts';
import {
  cancelMcpTask,
  createMcpTask,
  getMcpTask,
  listMcpTaskPage,
  waitForMcpTask,
  type McpTaskRecord,
} from '../../services/mcp-tasks.ts';
import { ConflictError, NotFoundError } from '../../store/codec.ts';
import { runToolAsTask } from './task-runner.ts';
import { canonicalToolName, unknownToolMessage } from './tool-names.ts';
import type { ToolDefinition, ToolPrincipal } from './tool.ts';

export interface OfferedTool {
  def: ToolDefinition;
  registered: RegisteredTool;
}

/** The owner key of a principal's tasks. */
export function taskOwner(principal: ToolPrincipal): string {
  return principal.id ?? principal.name;
}

/** The wire Task of a stored task. */
export function taskView(t: McpTaskRecord): Task {
  return {
    taskId: t.id,
    status: t.status,
    ...(t.statusMessage !== null ? { statusMessage: t.statusMessage } : {}),
    createdAt: t.createdAt,
    lastUpdatedAt: t.updatedAt,
    ttl: t.ttlMs,
    pollInterval: t.pollIntervalMs,
  };
}

/** Service errors as JSON-RPC errors: an unknown task or a bad cursor is Invalid params. */
async function protocolErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof ConflictError || err instanceof ValidationError) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, err.message);
    }
    throw err;
  }
}

type TaskParams = { taskId: string } & Record<string, unknown>;
type RawHandler = (
  request: { method: string; params?: Record<string, unknown> },
  ctx: ServerContext,
) => Promise<Record<string, unknown>>;

/**
 * The SDK leaves the tasks/* methods out of setRequestHandler's typed overloads (no runtime for
 * them), but its 2025-11-25 codec knows and validates them; the spec form keeps them off the
 * 2026-07-28 era. This is the one place that widens the type.
 */
function setSpecHandler(mcp: McpServer, method: string, handler: RawHandler): void {
  (mcp.server.setRequestHandler as unknown as (m: string, h: RawHandler) => void).call(
    mcp.server,
    method,
    handler,
  );
}

/** True for requests of the initialize-based protocol (2026-07-28 requests carry an envelope). */
function isLegacyRequest(ctx: ServerContext): boolean {
  return ctx.mcpReq.envelope === undefined;
}

/**
 * Replaces McpServer's tools/call handler with one that also accepts task-augmented calls (and
 * unlisted tools and the guide's names), and registers the tasks/* methods. Call after every tool
 * is registered.
 */
export function installTasks(
  mcp: McpServer,
  app: Ratchet,
  principal: ToolPrincipal,
  tools: ReadonlyMap<string, OfferedTool>,
): void {
  const withTasks = [...tools.values()].some((t) => t.def.taskSupport);
  const owner = taskOwner(principal);
  if (withTasks) {
    mcp.server.registerCapabilities({
      tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
    });
  }

  mcp.server.setRequestHandler('tools/call', async (request: CallToolRequest, ctx: ServerContext) => {
    const name = request.params.name;
    // Unlisted tools (other toolsets, folded tools) and the guide's names answer too.
    const tool = tools.get(name) ?? tools.get(canonicalToolName(name));
    if (!tool) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, unknownToolMessage(name, [...tools.keys()]));
    }
    const task = (request.params as { task?: { ttl?: number } }).task;
    if (withTasks && task !== undefined && tool.def.taskSupport && isLegacyRequest(ctx)) {
      const created = await createMcpTask(app, { owner, tool: tool.def.name, ttlMs: task.ttl });
      runToolAsTask(app, tool.def, request.params.arguments, principal, created.id);
      // A CreateTaskResult. The SDK validates every tools/call answer as a CallToolResult and
      // refuses `task` without `content`; Result objects are open, so a content line (which also
      // tells a person reading the exchange what happened) satisfies it and leaves `task` intact.
      const text = `Started as task ${created.id}: poll tasks/get, then fetch the result with tasks/result.`;
      return { task: taskView(created), content: [{ type: 'text', text }] } as never;
    }
    // A plain call: what McpServer's own handler does for our tools (the framework validates the
    // arguments itself; the output is checked against the listed schema, then projected).
    const result = await tool.registered.executor(request.params.arguments ?? {}, ctx);
    if (!('isError' in result && result.isError) && tool.registered.outputSchema) {
      const checked = await tool.registered.outputSchema['~standard'].validate(
        (result as { structuredContent?: unknown }).structuredContent,
      );
      if ('issues' in checked && checked.issues) {
        const text = checked.issues.map((i) => i.message).join('; ');
        return {
          isError: true,
          content: [
            {
              type: 'text',
              text: `Output validation error: Invalid structured content for tool ${tool.def.name}: ${text}`,
            },
          ],
        };
      }
    }
    return mcp.server.projectCallToolResult(
      result as Parameters<typeof mcp.server.projectCallToolResult>[0],
      tool.registered.outputSchemaJson,
    );
  });

  if (!withTasks) return;
  setSpecHandler(mcp, 'tasks/get', (request) =>
    protocolErrors(async () => ({
      ...taskView(await getMcpTask(app, owner, (request.params as TaskParams).taskId)),
    })),
  );

  setSpecHandler(mcp, 'tasks/list', (request) =>
    protocolErrors(async () => {
      const cursor = (request.params as { cursor?: string } | undefined)?.cursor;
      const page = await listMcpTaskPage(app, owner, cursor);
      return {
        tasks: page.tasks.map(taskView),
        ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
      };
    }),
  );

  setSpecHandler(mcp, 'tasks/cancel', (request) =>
    protocolErrors(async () => ({
      ...taskView(await cancelMcpTask(app, owner, (request.params as TaskParams).taskId)),
    })),
  );

  // Blocks until the task ends (the client's own cancellation or disconnect ends the wait), then
  // answers with the call's CallToolResult, tagged with the task it belongs to.
  setSpecHandler(mcp, 'tasks/result', (request, ctx) =>
    protocolErrors(async () => {
      const taskId = (request.params as TaskParams).taskId;
      const t = await waitForMcpTask(app, owner, taskId, ctx.mcpReq.signal);
      const related = { [RELATED_TASK_META_KEY]: { taskId } };
      if (t.result !== null) {
        const prior = (t.result._meta as Record<string, unknown> | undefined) ?? {};
        return { ...t.result, _meta: { ...prior, ...related } };
      }
      const message =
        t.error?.message ??
        (t.status === 'cancelled'
          ? `task ${taskId} was cancelled before its call produced a result`
          : `task ${taskId} ended (${t.status}) without a result`);
      return {
        isError: true,
        content: [{ type: 'text', text: message }],
        structuredContent: { error: { code: t.error?.code ?? t.status.toUpperCase(), message } },
        _meta: related,
      };
    }),
  );
}
