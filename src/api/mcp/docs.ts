// Documentation generated from the tool definitions themselves, so it cannot go stale:
// renderToolDocs (every tool: description, access, annotations, input fields, output fields and an
// example call) feeds the docs tools and docs/mcp.md; renderMcpDocs adds the setup sections.
// `ratchet mcp docs > docs/mcp.md` regenerates the file; a test checks it is up to date.
import { DEPRECATED_ARGUMENTS } from './aliases.ts';
import { toolJsonSchemas } from './framework.ts';
import { renderAgentDocs } from './docs-agents.ts';
import type { ToolDefinition } from './tool.ts';
import { ALL_TOOLS } from './tools/index.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A short type name for a JSON Schema: `string`, `integer (1–200)`, `"a" \| "b"`, `object[]`. */
export function typeName(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeName).join(' or ');
  let t = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (t === 'array') t = `${s.items ? typeName(s.items) : 'any'}[]`;
  if (s.minimum !== undefined || s.maximum !== undefined) t += ` (${s.minimum ?? ''}–${s.maximum ?? ''})`;
  return t;
}

function fieldRows(schema: JsonSchema, prefix: string, depth: number): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, p]) => {
    const req = required.has(name) && p.default === undefined ? 'yes' : 'no';
    const def = p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``;
    const row = `| \`${prefix}${name}\` | ${cell(typeName(p))} | ${req} | ${def} | ${cell(p.description ?? '')} |`;
    // Nested objects (and arrays of objects) get their fields listed as name.field / name[].field.
    const inner = p.properties ? p : p.items?.properties ? p.items : undefined;
    if (!inner || depth > 1) return [row];
    return [row, ...fieldRows(inner, `${prefix}${name}${inner === p ? '.' : '[].'}`, depth + 1)];
  });
}

function fieldTable(schema: JsonSchema): string {
  const rows = fieldRows(schema, '', 0);
  if (rows.length === 0) return 'No arguments.\n';
  return [
    '| argument | type | required | default | description |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function outputFields(schema: JsonSchema): string {
  const props = Object.entries(schema.properties ?? {});
  return props.map(([name, p]) => `\`${name}\` (${typeName(p)})`).join(', ');
}

function hints(def: ToolDefinition): string {
  const a = def.annotations;
  const on = [
    a.readOnlyHint ? 'read-only' : 'changes state',
    a.destructiveHint ? 'destructive' : undefined,
    a.idempotentHint ? 'idempotent' : undefined,
    a.openWorldHint
      ? 'open world (reaches outside Ratchet: task code that may call external services, the network or server files)'
      : undefined,
  ].filter((x): x is string => x !== undefined);
  return on.join(', ');
}

/** One tool as Markdown (a level-3 heading and its sections). */
export function renderToolDoc(def: ToolDefinition): string {
  const { input, output } = toolJsonSchemas(def);
  const example = JSON.stringify({ name: def.name, arguments: def.example }, null, 2);
  return [
    `### \`${def.name}\` — ${def.title}`,
    '',
    def.description,
    '',
    `Access: **${def.access}** · ${hints(def)}${def.taskSupport ? ' · can run as an MCP task (2025-11-25 clients, see Long runs)' : ''}`,
    '',
    fieldTable(input),
    `Returns (structuredContent, also as JSON text): ${outputFields(output)}.`,
    '',
    'Example call:',
    '',
    '```json',
    example,
    '```',
    '',
  ].join('\n');
}

/** Every given tool as Markdown, in order. */
export function renderToolDocs(tools: readonly ToolDefinition[]): string {
  return tools.map(renderToolDoc).join('\n');
}

const SETUP = `# Ratchet MCP server

Ratchet speaks the [Model Context Protocol](https://modelcontextprotocol.io), so an agent (Claude
Desktop, Claude Code, editors, any MCP client) can list, write, test, run and debug tasks. The
server is built on the official TypeScript SDK v2 and answers both the initialize-based protocol
(up to 2025-11-25) and the stateless 2026-07-28 protocol.

This file is generated from the tool definitions: \`ratchet mcp docs > docs/mcp.md\`.

## Starting it

| transport | command | who is the caller |
|---|---|---|
| stdio | \`ratchet mcp-serve\` (or \`ratchet mcp --transport stdio\`) | the local user (admin) |
| HTTP, standalone | \`ratchet mcp --transport http --host 127.0.0.1 --port 8090\` | the API key's role |
| HTTP, with the REST API | \`ratchet serve\` → \`http://127.0.0.1:8080/mcp\` | the API key's role |

\`ratchet mcp\` and \`ratchet mcp-serve\` take the same \`--transport stdio|http\`, \`--host\` and
\`--port\`; they differ only in the default transport (\`mcp\`: HTTP on \`mcp.host\`:\`mcp.port\`,
127.0.0.1:8090 by default; \`mcp-serve\`: stdio). \`--transport sse\`, the name of MCP's older
HTTP+SSE transport, is accepted with a one-line notice and serves Streamable HTTP, which replaced it.

All of them open the configured database, sync \`./tasks\` and the configured sources, and run
embedded workers and the scheduler (unless \`server.workers.embedded: false\`), so jobs and
schedules created through MCP run. Over stdio, stdout carries only protocol messages; every log
line goes to stderr.

Over HTTP, send the same API keys as the REST API (\`Authorization: Bearer rk_…\`); keys are
required unless the server listens on loopback only (\`server.auth.required\`). A \`viewer\` key sees
only read-only tools; \`operator\` adds running tasks; \`developer\` adds changing tasks, jobs and
schedules; \`admin\` everything. Create one with \`ratchet apikey create --name agent --role developer\`.
Every request is served statelessly, so any server node can answer any request.
With \`mcp.authentication.method: token\` (and \`token\` or \`token_file\`), \`/mcp\` also takes that
one token as \`Authorization: Bearer <token>\` (admin role); a missing or wrong token is a 401, and
\`ratchet mcp --transport http\` then needs no API key at all. \`mcp.security.ip_filtering\` refuses
addresses outside its CIDR ranges with a 403, and \`mcp.tools.enable_execution|enable_logging|
enable_monitoring|enable_debugging: false\` takes a tool group out of \`tools/list\` (see
docs/server.md and docs/configuration.md).

### Rate limit

\`/mcp\` has its own per-client (IP) limit, \`mcp.rate_limit\`, counted apart from the REST API's
\`server.rate_limit\` and sized for agents: one HTTP request per tool call, polling for jobs, and
several agents on one machine sharing an address. By default a client may send 300 requests at
once and 1200 a minute on average (300 per 15-second window); \`ratchet mcp --transport http\`
applies the same limit. Responses carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` and
\`RateLimit-Reset\`. A request over the limit gets HTTP 429 with \`Retry-After\` (seconds) and a
JSON-RPC error body, which the SDK clients include in the error they throw:

\`\`\`json
{"jsonrpc":"2.0","id":null,"error":{"code":-32029,"message":"rate limit exceeded: 300 MCP requests per 15 s from this client (mcp.rate_limit); retry in 4 s","data":{"code":"RATE_LIMITED","limit":300,"retry_after_seconds":4}}}
\`\`\`

Two limits apply to the tools that start task runs (\`ratchet_execute_task\`, \`ratchet_batch_execute\`,
\`ratchet_create_job\`, \`ratchet_retry_execution\`), over HTTP and stdio, per client address:
\`mcp.rate_limit.execute_per_minute\` and \`mcp.security.request_limits.max_concurrent_executions_per_client\`.
A call past either is a tool error with code \`RATE_LIMITED\` whose message names the key (and, for
the rate, the seconds to wait).

Rather than polling quickly, let \`ratchet_get_job_status\` wait (\`wait_seconds\`, up to 50).

### Claude Desktop

Add to \`claude_desktop_config.json\` (\`ratchet generate mcpservers-json\` prints this block with the
absolute paths of your installation):

\`\`\`json
{
  "mcpServers": {
    "ratchet": { "command": "ratchet", "args": ["--config", "/path/to/ratchet.yaml", "mcp-serve"] }
  }
}
\`\`\`

### Claude Code

\`\`\`sh
claude mcp add ratchet -- ratchet --config /path/to/ratchet.yaml mcp-serve
# or, against a running server over HTTP:
claude mcp add --transport http ratchet http://127.0.0.1:8080/mcp --header "Authorization: Bearer rk_…"
\`\`\`

### Other clients

Any client that starts a stdio server runs \`ratchet mcp-serve\`. Clients that speak Streamable
HTTP connect to \`/mcp\` (POST; the server is stateless, so GET and DELETE answer 405) with the
\`Authorization\` header above. To try it by hand:
\`npx @modelcontextprotocol/inspector --cli ratchet mcp-serve --method tools/list\`.

## Long runs

\`ratchet_execute_task\` and \`ratchet_batch_execute\` send \`notifications/progress\` when the request
carries a progress token (the task's \`reportProgress\` calls), so a client that resets its timeout
on progress never times out. Beyond that it depends on the protocol the client speaks:

- **Initialize-based clients (2025-11-25): tasks.** Both tools are listed with
  \`execution: { taskSupport: "optional" }\` and the server declares the \`tasks\` capability
  (\`list\`, \`cancel\`, \`requests.tools.call\`). A \`tools/call\` carrying \`params.task\` (optionally
  \`{ "ttl": ms }\`) answers at once with \`{ task: { taskId, status: "working", ttl, pollInterval, … } }\`
  while the call runs in the background on the node that received it. Poll \`tasks/get\` (its
  \`statusMessage\` carries the progress, e.g. \`50% — processed b\`), fetch the call's
  \`CallToolResult\` with \`tasks/result\` (it waits until the task ends), list yours with
  \`tasks/list\`, and stop one with \`tasks/cancel\` (its executions end \`CANCELLED\`). A call
  returning a tool error ends \`failed\`. Task state is kept in the database (table \`mcp_tasks\`), so
  any server node answers these requests; a task is visible only to the API key (or, over stdio,
  the local user) that created it, and is deleted after its ttl (default 1 hour, held between
  1 minute and 24 hours). A task whose server process died is reported \`failed\` once its
  heartbeat has been silent for 30 seconds.
- **2026-07-28 clients: progress and jobs.** That protocol removed tasks, so neither the
  capability nor \`execution.taskSupport\` is offered and a \`task\` parameter is ignored. Rely on
  progress notifications, or for runs longer than the client will wait queue a job
  (\`ratchet_create_job\`) and follow it with \`ratchet_get_job_status\` (which can wait for the end).

## Resources

| URI | content |
|---|---|
| \`ratchet://tasks/{name}/main.js\` | the code of a task's latest version |
| \`ratchet://tasks/{name}/input.schema.json\`, \`output.schema.json\` | its schemas |
| \`ratchet://tasks/{name}/metadata.json\` | its metadata |
| \`ratchet://tasks/{name}/tests/{test}\` | one test case |
| \`ratchet://executions/{id}\` | an execution with its logs and HTTP trace |

## Prompts

- \`develop_task\` (\`goal\`, optional \`name\`): the development workflow, tool by tool.
- \`debug_execution\` (\`execution_id\`): diagnose a failed execution and fix its task.

## Tools

Wrong arguments come back as tool errors (\`isError: true\`) listing each bad field and what it
expects; errors carry \`structuredContent.error\` = \`{ code, message, details }\`.

`;

const NAMING = [
  'Arguments use one name per concept: `task_id` is always the task (its numeric id, UUID or name, or a folder path),',
  '`version` picks a stored version, `new_version` is the version a change is saved as, lists page',
  'with `page` and `limit`, and flags that add detail are `include_*`. Older names are still',
  'accepted and renamed (the result then carries a note): ' +
    Object.entries(DEPRECATED_ARGUMENTS)
      .map(([old, now]) => `\`${old}\` → \`${now}\``)
      .join(', ') +
    ' — only where the tool has the new name and not the old one.',
].join('\n');

/** docs/mcp.md: setup, resources, prompts and every tool. */
export function renderMcpDocs(tools: readonly ToolDefinition[] = ALL_TOOLS): string {
  const index = tools
    .map(
      (t) =>
        `- [\`${t.name}\`](#${t.name}--${t.title
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '')}) — ${t.title}`,
    )
    .join('\n');
  const [setup, toolsIntro] = SETUP.split('## Tools\n');
  return `${setup}${renderAgentDocs(tools)}\n## Tools\n${toolsIntro}${NAMING}\n\n${index}\n\n${renderToolDocs(tools)}`;
}
