// The agent-facing part of docs/mcp.md, generated like the rest (docs.ts): the workflow the agent
// guide teaches, naming tasks by folder path, the toolsets with their measured size, the budgets,
// and every name the guide uses that this server answers to.
import { toolJsonSchemas } from './framework.ts';
import type { ToolDefinition } from './tool.ts';
import { GUIDE_TOOL_NAMES } from './tool-names.ts';
import {
  ALL_TOOLSETS,
  ALWAYS_LISTED,
  DEFAULT_TOOLSETS,
  FOLDED,
  TOOLSET_NAMES,
  TOOLSETS,
} from './tools/toolsets.ts';

/** Budgets of what a model reads of tools/list (names, descriptions, input schemas), in characters. */
export const LISTED_BUDGET = { default: 24_000, all: 48_000 } as const;

/** Characters a model reads for one tool in tools/list: name, description, input schema. */
export function visibleSize(def: ToolDefinition): number {
  return def.name.length + def.description.length + JSON.stringify(toolJsonSchemas(def).input).length;
}

function sizeOf(names: readonly string[], tools: readonly ToolDefinition[]): number {
  return tools.filter((t) => names.includes(t.name)).reduce((n, t) => n + visibleSize(t), 0);
}

const WORKFLOW = `## Agents: the workflow, task folders and toolsets

The agent guide's loop, with the tool for each step (any tool that names a task takes \`task_id\`,
also accepted as the guide's \`task_id_or_path\`):

1. \`ratchet_list_available_tasks\` — what there is. \`ratchet mcp-serve\` started in a project with
   no task source configured (and no \`./tasks\` folder) treats the working directory as the source:
   the task folders under it (any folder with a \`metadata.json\`, up to 6 levels down, skipping
   \`node_modules\` and dot-folders) are listed without a sync.
2. \`ratchet_get_task_info\` with \`{"task_id_or_path": "sample/js-tasks/addition"}\` — a task by
   registry id, UUID or name, or by the path of its folder (or \`.zip\`) on disk.
3. Edit the folder's files, then \`ratchet_validate_task\` and \`ratchet_run_task_tests\` with the
   same path. A path is read fresh on every call, so an edit is seen at once. Runs and test reports
   refer to stored versions, so the folder's content is recorded as one: its metadata version if
   that is new, the stored version itself if the content is the same, otherwise
   \`<version>-local-<checksum>\`, stored disabled (it never becomes the task's latest version for
   callers that name the task by name).
4. \`ratchet_validate_task_input\`, then \`ratchet_execute_task\` (\`input\` as an object; JSON text of
   one is parsed, with a note). With a progress token the first notification names the
   \`execution_id\`, and a notification follows at least every 15 s while the task is silent, so a
   client that resets its timeout on progress never times out.
5. On \`FAILED\`: \`ratchet_analyze_execution_error\` (\`include_suggestions\`),
   \`ratchet_get_execution_logs\` (\`level\`, \`limit\`), \`ratchet_get_execution_trace\`; then back to 3.

Paths are resolved against the server's working directory over stdio (the local user may name any
folder). Over HTTP a path must lie under one of \`mcp.allowed_roots\` (relative paths are tried
under each root in turn; symlinks are resolved before the check); with none configured, HTTP
clients name tasks by id, UUID or name only. Storing a folder's new content needs write access
(developer role or higher); a viewer may name a folder whose content is already stored.

### Toolsets

\`tools/list\` shows the default toolsets (${DEFAULT_TOOLSETS.join(', ')}) plus
${ALWAYS_LISTED.map((n) => `\`${n}\``).join(' and ')}. \`--toolsets a,b\` (or \`--toolsets all\`) on
\`ratchet mcp-serve\` and \`ratchet mcp\`, or \`mcp.tools.toolsets\` in the configuration, choose
others. A tool of an unlisted toolset still answers \`tools/call\` by name;
\`ratchet_enable_toolset\` lists a toolset at run time (over stdio, followed by
\`notifications/tools/list_changed\`; over stateless HTTP the answer carries the toolset's tools
and their input schemas instead). The \`mcp.tools.enable_*\` switches are different: they remove
their tools entirely (neither listed nor callable).
`;

/** The agents section of docs/mcp.md. */
export function renderAgentDocs(tools: readonly ToolDefinition[]): string {
  const rows = TOOLSET_NAMES.map((name) => {
    const names = TOOLSETS[name].tools as readonly string[];
    const list = names.map((n) => `\`${n}\``).join(', ');
    const mark = (DEFAULT_TOOLSETS as readonly string[]).includes(name) ? ' (default)' : '';
    return `| \`${name}\`${mark} | ${TOOLSETS[name].description} | ${sizeOf(names, tools)} | ${list} |`;
  });
  const always = sizeOf(ALWAYS_LISTED, tools);
  const defaults = DEFAULT_TOOLSETS.flatMap((n) => TOOLSETS[n].tools as readonly string[]);
  const all = ALL_TOOLSETS.flatMap((n) => TOOLSETS[n].tools as readonly string[]);
  const folded = Object.entries(FOLDED).map(([name, by]) => `| \`${name}\` | ${by} |`);
  const guide = Object.entries(GUIDE_TOOL_NAMES).map(([name, to]) => `| \`${name}\` | \`${to}\` |`);
  return [
    WORKFLOW,
    '| toolset | what | characters | tools |',
    '|---|---|---|---|',
    ...rows,
    `| (always) | how a client grows its list | ${always} | ${ALWAYS_LISTED.map((n) => `\`${n}\``).join(', ')} |`,
    '',
    'Characters are what a model reads of each tool in `tools/list` on every turn: its name,',
    `description and input schema. Budgets: the default toolsets ${sizeOf([...defaults, ...ALWAYS_LISTED], tools)}`,
    `of ${LISTED_BUDGET.default} (about ${Math.round(LISTED_BUDGET.default / 4)} tokens; a test fails over it); \`all\` (every toolset but processes, listed only when named)`,
    `${sizeOf([...all, ...ALWAYS_LISTED], tools)} of ${LISTED_BUDGET.all} (also tested). Input schemas are listed without`,
    "zod's noise (`$schema`, ±2^53 integer bounds, string length bounds, `propertyNames`, `additionalProperties`, nullable unions written as `anyOf`); output",
    'schemas without the integer bounds.',
    '',
    '### Folded tools',
    '',
    'Unlisted, each covered by a listed tool; they still answer `tools/call` under their own name.',
    '',
    '| tool | use instead |',
    '|---|---|',
    ...folded,
    '',
    "### The agent guide's names",
    '',
    'The guide writes `ratchet.get_task_info` and, in prose, bare `execute_task`: `tools/call`',
    'accepts every tool as `ratchet_x`, `ratchet.x` or `x`. Names the guide uses for tools this',
    'server calls otherwise answer as unlisted aliases:',
    '',
    '| guide name | tool |',
    '|---|---|',
    ...guide,
    '',
    "`ratchet_create_task` takes the guide's `task_name` for `name`. Arguments the server cannot",
    'honour (`specification`, `auto_generate_schemas`, `include_error_handling`, `create_test_suite`)',
    'are a tool error that says what to send instead. An unknown tool or argument name is answered',
    'with the nearest known one ("did you mean").',
    '',
  ].join('\n');
}
