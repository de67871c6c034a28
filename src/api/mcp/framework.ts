// Registers ToolDefinitions on an McpServer: the JSON Schemas the client lists come from the zod
// schemas (converted once per definition and cached, since HTTP builds a server per request), the
// arguments are validated here rather than by the SDK so a model gets every bad field at once,
// handlers get a ToolContext (progress through the request's progress token, cancellation
// signal), and results are structuredContent plus the same JSON as text.
import { z } from 'zod';
import type {
  McpServer,
  RegisteredTool,
  ServerContext,
  StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import type { Ratchet } from '../../app.ts';
import { renameDeprecatedArguments } from './aliases.ts';
import { prepareTaskArguments } from './task-args.ts';
import { compactSchema } from './schema-compact.ts';
import { withSuggestion } from '../../services/suggest.ts';
import { argumentErrors, errorResult, toolError } from './errors.ts';
import { admitExecution, ToolLimitError } from './execution-limits.ts';
import { EXECUTE_TOOLS } from './tools/groups.ts';
import type { ToolContext, ToolDefinition, ToolPrincipal, ToolsetControl } from './tool.ts';

interface CachedSchemas {
  input: StandardSchemaWithJSON;
  output: StandardSchemaWithJSON;
}

const cache = new WeakMap<ToolDefinition, CachedSchemas>();

/** A Standard Schema that accepts anything (we validate ourselves) and lists the given JSON Schema. */
function listedOnly(json: Record<string, unknown>): StandardSchemaWithJSON {
  return {
    '~standard': {
      version: 1,
      vendor: 'ratchet',
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: () => json, output: () => json },
    },
  };
}

/** The output schema: listed from zod, checked with zod (a mismatch is our bug and must surface). */
function checkedOutput(schema: z.ZodObject, json: Record<string, unknown>): StandardSchemaWithJSON {
  return {
    '~standard': {
      version: 1,
      vendor: 'ratchet',
      validate: (value: unknown) => {
        const r = schema.safeParse(value);
        return r.success
          ? { value: r.data }
          : { issues: r.error.issues.map((i) => ({ message: i.message, path: i.path })) };
      },
      jsonSchema: { input: () => json, output: () => json },
    },
  };
}

export function toolJsonSchemas(def: ToolDefinition): {
  input: Record<string, unknown>;
  output: Record<string, unknown>;
} {
  const input = z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const output = z.toJSONSchema(def.output, { io: 'output', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { input: compactSchema(input, true), output: compactSchema(output, false) };
}

function schemasOf(def: ToolDefinition): CachedSchemas {
  let s = cache.get(def);
  if (!s) {
    const json = toolJsonSchemas(def);
    s = { input: listedOnly(json.input), output: checkedOutput(def.output, json.output) };
    cache.set(def, s);
  }
  return s;
}

/** A call silent this long gets a progress heartbeat (clients that reset their timeout on progress). */
export const PROGRESS_HEARTBEAT_MS = 15_000;

interface Reporter {
  progress: ToolContext['progress'];
  /** Stops the heartbeat; call when the call is answered. */
  stop(): void;
}

/**
 * Progress to the client when it asked for it (a progress token), strictly increasing. While the
 * call runs, a notification goes out at least every PROGRESS_HEARTBEAT_MS even when the tool has
 * nothing new to say (the last fraction plus a hair, since each must be higher than the one before,
 * and the last message), so a client with a request timeout reset by progress never times out.
 */
function progressReporter(ctx: ServerContext): Reporter {
  const token = ctx.mcpReq._meta?.progressToken;
  if (token === undefined) return { progress: () => undefined, stop: () => undefined };
  let last = -1;
  let lastMessage: string | undefined;
  const send = async (progress: number, message?: string): Promise<void> => {
    last = progress;
    lastMessage = message;
    await ctx.mcpReq
      .notify({
        method: 'notifications/progress',
        params: { progressToken: token, progress, total: 1, ...(message !== undefined ? { message } : {}) },
      })
      // A client that went away must not fail the run it started.
      .catch(() => undefined);
  };
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      void send(Math.min(1, Math.max(0, last) + 1e-6), lastMessage ?? 'running');
      arm();
    }, PROGRESS_HEARTBEAT_MS);
    timer.unref();
  };
  arm();
  return {
    progress: async (fraction: number, message?: string) => {
      const progress = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
      if (progress <= last) return;
      arm();
      await send(progress, message);
    },
    stop: () => clearTimeout(timer),
  };
}

export interface CallOutcome {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent: Record<string, unknown>;
  isError?: boolean;
}

/**
 * The handler's answer as the declared output schema describes it. Clients check structured
 * content against the listed JSON Schema, which forbids undeclared fields, so fields a handler
 * passes through from stored data (a violation's `params`, say) are dropped here rather than
 * making the client reject the whole answer. An answer that breaks the schema otherwise is our
 * bug: it becomes an INTERNAL_ERROR naming the paths instead of a protocol error.
 */
function answerOf(def: ToolDefinition, raw: unknown): Record<string, unknown> {
  const checked = def.output.safeParse(raw);
  if (checked.success) return checked.data;
  const paths = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new Error(`the answer of ${def.name} does not match its declared output schema (${paths})`);
}

/**
 * Validates, runs and wraps one call; exported for tests and for the tasks path. `timeLimitMs`
 * (mcp.request_timeout, for calls answered within their request): past it the call's signal is
 * aborted, so the work it started is cancelled, and the call is answered with a TIMEOUT tool error.
 */
export async function runTool(
  def: ToolDefinition,
  rawArgs: unknown,
  ctx: ToolContext,
  timeLimitMs?: number,
): Promise<CallOutcome> {
  const renamed = renameDeprecatedArguments(def, rawArgs ?? {});
  let prepared;
  try {
    prepared = await prepareTaskArguments(def, renamed.args, ctx);
  } catch (err) {
    return errorResult(await withSuggestion(ctx.app, err));
  }
  const { args } = prepared;
  const notes = [...renamed.notes, ...prepared.notes];
  const parsed = def.input.safeParse(args);
  const bad = argumentErrors(
    def.name,
    def.input,
    args,
    parsed.success ? undefined : parsed.error,
    prepared.sentAs,
  );
  if (bad) return bad;
  if (!parsed.success) return errorResult(parsed.error);
  let release = (): void => undefined;
  if (EXECUTE_TOOLS.has(def.name)) {
    try {
      release = admitExecution(ctx.app, ctx.principal, def.name);
    } catch (err) {
      if (!(err instanceof ToolLimitError)) throw err;
      return toolError({ code: 'RATE_LIMITED', message: err.message, details: err.details });
    }
  }
  const limit = timeLimitMs === undefined ? undefined : callTimeLimit(ctx, timeLimitMs);
  try {
    const handled = def.handler(parsed.data, limit?.ctx ?? ctx);
    const answer = limit ? await Promise.race([handled, limit.expired]) : await handled;
    if (answer === TIMED_OUT) {
      return toolError({
        code: 'TIMEOUT',
        message: `${def.name} did not finish within ${timeLimitMs! / 1000} s (mcp.request_timeout); the call was cancelled. Use a background call (a task-augmented request), ratchet_create_job, or a smaller request for longer work`,
      });
    }
    const out = answerOf(def, answer);
    const content: CallOutcome['content'] = [{ type: 'text', text: JSON.stringify(out, null, 2) }];
    // The model reads this and switches to the canonical names; the result itself is unchanged.
    for (const note of notes) content.push({ type: 'text', text: `note: ${note}` });
    return { content, structuredContent: out };
  } catch (err) {
    return errorResult(await withSuggestion(ctx.app, err));
  } finally {
    limit?.clear();
    release();
  }
}

const TIMED_OUT = Symbol('timed out');

/** A context whose signal also aborts after `ms`, and a promise that resolves then. */
function callTimeLimit(ctx: ToolContext, ms: number) {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('mcp.request_timeout'));
      resolve(TIMED_OUT);
    }, ms);
  });
  return {
    ctx: { ...ctx, signal: controller.signal },
    expired,
    clear: () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    },
  };
}

/** mcp.request_timeout in ms, when set. Background (task-augmented) calls are not bound by it. */
function requestTimeLimit(app: Ratchet): number | undefined {
  const seconds = app.config.mcp.request_timeout;
  return seconds === undefined ? undefined : seconds * 1000;
}

export function registerToolDefinition(
  mcp: McpServer,
  def: ToolDefinition,
  app: Ratchet,
  principal: ToolPrincipal,
  toolsets?: ToolsetControl,
): RegisteredTool {
  const schemas = schemasOf(def);
  const registered = mcp.registerTool(
    def.name,
    {
      title: def.title,
      description: def.description,
      inputSchema: schemas.input,
      outputSchema: schemas.output,
      annotations: { title: def.title, ...def.annotations },
    },
    async (rawArgs: unknown, ctx: ServerContext) => {
      const reporter = progressReporter(ctx);
      try {
        return await runTool(
          def,
          rawArgs,
          { app, principal, progress: reporter.progress, signal: ctx.mcpReq.signal, toolsets },
          requestTimeLimit(app),
        );
      } finally {
        reporter.stop();
      }
    },
  );
  // Listed as `execution` in tools/list (the 2026-07-28 codec drops it: tasks left that protocol).
  if (def.taskSupport) registered.execution = { taskSupport: def.taskSupport };
  return registered;
}
