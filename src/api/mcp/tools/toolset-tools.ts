// The always-listed pair that lets a client grow its tool list at run time: ratchet_list_toolsets
// says what each toolset holds; ratchet_enable_toolset lists one (tools/list_changed follows on a
// connection that lasts, stdio) and returns its tools' names, descriptions and input schemas, so a
// stateless HTTP client, whose next request starts from the configured toolsets again, can call
// them by name at once (every offered tool answers tools/call, listed or not).
import { z } from 'zod';
import { defineTool, ToolInputError, type ToolContext, type ToolsetControl } from '../tool.ts';
import { READ_ONLY } from './common.ts';
import { FOLDED, TOOLSET_NAMES, TOOLSETS, type ToolsetName } from './toolsets.ts';

function control(ctx: ToolContext): ToolsetControl {
  // Both tools are registered only by createMcpServer, which always passes the control.
  if (!ctx.toolsets) throw new Error('toolset tools need the serving McpServer');
  return ctx.toolsets;
}

export const listToolsets = defineTool({
  name: 'ratchet_list_toolsets',
  title: 'List toolsets',
  description:
    'The toolsets of this server; tools of unlisted ones still answer by name. Returns each toolset (listed now or not, its tools) and the folded tools.',
  input: z.object({}),
  output: z.object({
    toolsets: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        listed: z.boolean(),
        tools: z.array(z.string()),
      }),
    ),
    folded: z.record(z.string(), z.string()).describe('Unlisted tools → the listed tool that covers them'),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: {},
  async handler(_args, ctx) {
    const listed = new Set(control(ctx).listed());
    return {
      toolsets: TOOLSET_NAMES.map((name) => ({
        name,
        description: TOOLSETS[name].description,
        listed: listed.has(name),
        tools: [...TOOLSETS[name].tools],
      })),
      folded: { ...FOLDED },
    };
  },
});

export const enableToolset = defineTool({
  name: 'ratchet_enable_toolset',
  title: 'Enable a toolset',
  description:
    'Adds a toolset to tools/list (notifications/tools/list_changed follows over stdio). Returns its tools with their descriptions and input schemas, callable by name at once.',
  input: z.object({
    toolset: z
      .string()
      .min(1)
      .max(50)
      .describe(`One of: ${TOOLSET_NAMES.join(', ')}`),
  }),
  output: z.object({
    toolset: z.string(),
    listed: z
      .boolean()
      .describe('True when tools/list now shows them for this connection (stdio); HTTP is per request'),
    tools: z.array(z.object({ name: z.string(), description: z.string(), input_schema: z.unknown() })),
  }),
  annotations: { ...READ_ONLY, idempotentHint: true },
  access: 'read',
  example: { toolset: 'jobs' },
  async handler(args, ctx) {
    if (!TOOLSET_NAMES.includes(args.toolset as ToolsetName)) {
      throw new ToolInputError(`unknown toolset "${args.toolset}"; known: ${TOOLSET_NAMES.join(', ')}`);
    }
    const name = args.toolset as ToolsetName;
    const c = control(ctx);
    c.enable(name);
    // Imported here: index.ts lists this module, so a top-level import would be circular.
    const { ALL_TOOLS } = await import('./index.ts');
    const { toolJsonSchemas } = await import('../framework.ts');
    const names = new Set<string>(
      (TOOLSETS[name].tools as readonly string[]).filter((t) => c.offered.has(t)),
    );
    return {
      toolset: name,
      listed: c.persistent,
      tools: ALL_TOOLS.filter((t) => names.has(t.name)).map((t) => ({
        name: t.name,
        description: t.description,
        input_schema: toolJsonSchemas(t).input,
      })),
    };
  },
});

export const toolsetTools = [listToolsets, enableToolset];
