// Developer documentation generated from the live tool definitions (renderToolDocs in docs.ts), so
// what a model reads is always what the server actually offers. Loaded lazily: docs.ts imports the
// tool index, which imports this file.
import { z } from 'zod';
import { defineTool, ToolInputError, type ToolDefinition } from '../tool.ts';
import { allows } from '../../../services/roles.ts';
import { READ_ONLY } from './dev-common.ts';

async function liveTools(): Promise<readonly ToolDefinition[]> {
  return (await import('./index.ts')).ALL_TOOLS;
}

const reference = defineTool({
  name: 'ratchet_get_developer_endpoint_reference',
  title: 'Tool reference',
  description:
    "The reference of this server's tools, generated from their definitions. Returns Markdown for the tools named, matching name_contains, or (only_mine) callable by you.",
  input: z.object({
    tools: z.array(z.string().min(1).max(100)).max(100).optional().describe('Exact tool names to include'),
    name_contains: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('Only tools whose name contains this, e.g. "task"'),
    only_mine: z.boolean().default(false).describe('Only tools the calling key\u2019s role may call'),
  }),
  output: z.object({
    count: z.number().int(),
    tools: z.array(z.string()),
    markdown: z.string(),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { name_contains: 'test' },
  async handler(args, ctx) {
    const all = await liveTools();
    const unknown = (args.tools ?? []).filter((n) => !all.some((t) => t.name === n));
    if (unknown.length > 0) {
      throw new ToolInputError(
        `no such tool: ${unknown.join(', ')}; the tools are: ${all.map((t) => t.name).join(', ')}`,
      );
    }
    const picked = all.filter(
      (t) =>
        (!args.tools || args.tools.includes(t.name)) &&
        (!args.name_contains || t.name.includes(args.name_contains)) &&
        (!args.only_mine || allows(ctx.principal.role, t.access)),
    );
    const { renderToolDocs } = await import('../docs.ts');
    return { count: picked.length, tools: picked.map((t) => t.name), markdown: renderToolDocs(picked) };
  },
});

/** The development workflow, step by step; steps whose tool this server lacks are left out. */
const WORKFLOW: [string, string][] = [
  ['ratchet_list_templates', 'pick a starting point'],
  ['ratchet_generate_from_template', 'create a task with code, schemas and passing tests — or'],
  [
    'ratchet_generate_task_from_openapi',
    'wrap one operation of an OpenAPI document, tests from its examples — or',
  ],
  ['ratchet_create_task', 'create one from your own code, schemas and test cases'],
  [
    'ratchet_lint_task_code',
    'check the code for sandbox pitfalls (no modules, synchronous fetch, response.ok)',
  ],
  ['ratchet_run_task_tests', 'run the test cases; read each diff and error'],
  ['ratchet_run_single_test', 'iterate on one case, or try a draft case before storing it'],
  ['ratchet_update_task_code', 'fix the code: every save is a new version (patch bumped)'],
  ['ratchet_create_test_case', 'add cases for edge cases and errors'],
  ['ratchet_execute_task', 'run it for real'],
  ['ratchet_compare_task_versions', 'review what changed between versions'],
  ['ratchet_create_task_version', 'mark a breaking change with a higher major version'],
];

const guide = defineTool({
  name: 'ratchet_get_developer_integration_guide',
  title: 'Integration guide',
  description:
    'The guide to using this server over MCP: connecting, roles, resources, prompts, the workflow, a tool index. Returns it as Markdown.',
  input: z.object({
    include_reference: z.boolean().default(false).describe('Append the full reference of every tool'),
  }),
  output: z.object({ tools: z.number().int(), markdown: z.string() }),
  annotations: READ_ONLY,
  access: 'read',
  example: {},
  async handler(args, ctx) {
    const all = await liveTools();
    const { renderMcpDocs, renderToolDocs } = await import('../docs.ts');
    const full = renderMcpDocs(all);
    const setup = full.slice(0, full.indexOf('\n## Tools\n'));
    const has = new Set<string>(all.map((t) => t.name));
    const steps = WORKFLOW.filter(([name]) => has.has(name)).map(
      ([name, what], i) => `${i + 1}. \`${name}\` — ${what}`,
    );
    const byAccess = (['read', 'run', 'write', 'admin'] as const).map((level) => {
      const tools = all.filter((t) => t.access === level);
      const mine = allows(ctx.principal.role, level) ? '' : ' (not available to your role)';
      return `### ${level}${mine}\n\n${tools.map((t) => `- \`${t.name}\` — ${t.title}`).join('\n')}\n`;
    });
    const markdown = [
      setup,
      '',
      '## Developing a task',
      '',
      'main.js is one function expression, `(function(input, context) { ...; return result; })`; `fetch(url, options, body)` is synchronous and returns `{ ok, status, headers, body }`; throw the provided error classes (`DataError`, `HttpError`, …). Every change is stored as a new version; earlier versions stay runnable.',
      '',
      ...steps,
      '',
      `## Tools by access level (you are "${ctx.principal.role}")`,
      '',
      ...byAccess,
      ...(args.include_reference ? ['## Tool reference', '', renderToolDocs(all)] : []),
    ].join('\n');
    return { tools: all.length, markdown };
  },
});

export const docsTools = [reference, guide];
