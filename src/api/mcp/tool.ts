// The MCP tool contract shared by every tool group (src/api/mcp/tools/*.ts): a tool is data
// (name, description, zod schemas, annotations, access level, example) plus a handler that calls
// services. The framework (server.ts) registers, validates, authorises and converts errors, so
// handlers stay small and docs (docs.ts) are generated from the same definitions.
import type { z } from 'zod';
import type { Ratchet } from '../../app.ts';
import type { Role } from '../../services/roles.ts';

export interface ToolPrincipal {
  name: string;
  role: Role;
  /** Stable identity for ownership (MCP tasks): `key:<id>` for API keys; default: the name. */
  id?: string;
  /** The caller's address over HTTP: "client" of the per-client execution limits. */
  client?: string;
}

export interface ToolContext {
  app: Ratchet;
  principal: ToolPrincipal;
  /** Report progress to the client (no-op when the client sent no progress token). */
  progress(fraction: number, message?: string): Promise<void> | void;
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
  /** Told of every execution the call starts (a task-augmented call records them on its task). */
  onExecution?(executionId: number): void;
  /** The serving McpServer's listed toolsets (ratchet_list_toolsets / ratchet_enable_toolset). */
  toolsets?: ToolsetControl;
}

export interface ToolsetControl {
  /** Toolsets whose tools tools/list shows now. */
  listed(): readonly string[];
  /** Lists a toolset's tools from now on (sends tools/list_changed); false when nothing changed. */
  enable(name: string): boolean;
  /** Names of the tools this server offers (role and mcp.tools.enable_* applied). */
  offered: ReadonlySet<string>;
  /** True when the listing lasts for the connection (stdio); false for one stateless request (HTTP). */
  persistent: boolean;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Same levels as REST (src/services/roles.ts allows()); viewers get only `read` tools. */
export type ToolAccess = 'read' | 'run' | 'write' | 'admin';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyZodObject = z.ZodObject<any>;

export interface ToolDefinition<
  I extends AnyZodObject = AnyZodObject,
  O extends AnyZodObject = AnyZodObject,
> {
  /** `ratchet_` + lower-case words joined by underscores. */
  name: `ratchet_${string}`;
  title: string;
  /** Precise, written for a model: what it does, when to use it, what it returns. */
  description: string;
  /** zod v4 object; every field `.describe()`d (the descriptions reach the model and the docs). */
  input: I;
  /** zod v4 object: the shape of structuredContent. */
  output: O;
  annotations: ToolAnnotations;
  access: ToolAccess;
  /** Example arguments used by docs/mcp.md and by the every-tool test. */
  example: z.input<I>;
  handler(args: z.output<I>, ctx: ToolContext): Promise<z.input<O>>;
  /**
   * MCP 2025-11-25 tasks: 'optional' lets a client send a task-augmented tools/call that answers
   * at once with a task to poll (for calls that may outlast a client's request timeout).
   */
  taskSupport?: 'optional';
}

/** Identity at runtime; exists so each definition is type-checked against its own schemas. */
export function defineTool<I extends AnyZodObject, O extends AnyZodObject>(
  def: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  if (!/^ratchet_[a-z0-9]+(_[a-z0-9]+)*$/.test(def.name)) {
    throw new Error(
      `tool name ${def.name} must be ratchet_ followed by lower-case words joined by underscores`,
    );
  }
  return def;
}

/** Throw to return a tool error (isError: true) the model can act on: say exactly what to change. */
export class ToolInputError extends Error {
  readonly details: unknown;
  constructor(message: string, details?: unknown) {
    super(message);
    this.name = 'ToolInputError';
    this.details = details;
  }
}
