// The `mcp` section: the MCP server's transport, authentication, limits, IP filtering and tool
// groups. Split from schema.ts only for size; see there for the conventions. Old spellings of these
// keys (mcp_api, mcp.server.*, transport "sse", the guide's flat keys) are renamed by old-names.ts
// before this schema sees them.
import { z } from 'zod';
import { port } from './schema-helpers.ts';
import { ipFiltering } from './schema-ip-filter.ts';

// Sized for agents rather than browsers: one HTTP request per tool call, polling for jobs, and
// several agents on one machine sharing an IP. Counted apart from REST's server.rate_limit.
const mcpRateLimit = z
  .object({
    enabled: z.boolean().default(true).describe('Limit requests per client on /mcp'),
    requests_per_minute: z
      .number()
      .int()
      .min(1)
      .default(1200)
      .describe('Sustained MCP requests allowed per client per minute'),
    burst_size: z
      .number()
      .int()
      .min(1)
      .default(300)
      .describe('MCP requests a client may make at once above the sustained rate'),
    execute_per_minute: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Calls of the tools that run or enqueue a task (ratchet_execute_task, ratchet_batch_execute, ratchet_create_job, ratchet_create_jobs, ratchet_retry_execution, ratchet_trigger_schedule) allowed per client per minute, over HTTP and stdio; past it such a call is a RATE_LIMITED tool error. Unset: no separate limit',
      ),
  })
  .strict();

const authentication = z
  .object({
    method: z
      .enum(['none', 'token'])
      .default('none')
      .describe(
        '`token`: every request to /mcp must send `Authorization: Bearer <token>` (or a valid API key); a missing or wrong token is a 401. `none`: no MCP token (API keys still apply as server.auth says)',
      ),
    token: z
      .string()
      .min(16)
      .optional()
      .describe('The token itself (at least 16 characters); or use token_file'),
    token_file: z
      .string()
      .min(1)
      .optional()
      .describe('File holding the token (surrounding whitespace ignored), read when the server starts'),
    session: z
      .object({
        timeout_seconds: z
          .number()
          .int()
          .min(1)
          .default(3600)
          .describe('A session unused this long ends; the client must initialize again'),
        max_sessions_per_client: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('Most open sessions per client (API key, MCP token, or IP without one); unset: no limit'),
      })
      .strict()
      .optional()
      .describe(
        'MCP sessions for clients that open one (the 2025 protocol: `initialize`, then `Mcp-Session-Id` on every request), kept in the database so any node knows them; unset: no sessions. The 2026-07-28 protocol has no sessions and is limited by mcp.rate_limit',
      ),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.method === 'token' && a.token === undefined && a.token_file === undefined)
      ctx.addIssue({ code: 'custom', path: ['method'], message: 'method "token" needs token or token_file' });
    if (a.token !== undefined && a.token_file !== undefined)
      ctx.addIssue({ code: 'custom', path: ['token_file'], message: 'set token or token_file, not both' });
  });

const requestLimits = z
  .object({
    max_request_size_bytes: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Largest request body /mcp accepts, in bytes (a larger one is a 413); unset: server.body_limit_bytes',
      ),
    max_concurrent_executions_per_client: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Calls of the tools that run or enqueue a task (see rate_limit.execute_per_minute) one client may have running at once (a task-augmented call counts until its task ends); one more is a RATE_LIMITED tool error. A client is an address over HTTP, the process over stdio',
      ),
  })
  .strict();

const toolGroup = (what: string) =>
  z
    .boolean()
    .default(true)
    .describe(`Offer the ${what} tools; false removes them from tools/list and refuses calls to them`);

const tools = z
  .object({
    enable_execution: toolGroup(
      'execution (ratchet_execute_task, ratchet_batch_execute, ratchet_create_job, ratchet_create_jobs, ratchet_retry_execution, ratchet_trigger_schedule, ratchet_cancel_execution, ratchet_benchmark_task)',
    ),
    enable_logging: toolGroup('logging (ratchet_get_execution_logs, ratchet_get_execution_trace)'),
    enable_monitoring: toolGroup(
      'monitoring (ratchet_get_execution_status, ratchet_list_executions, ratchet_list_jobs, ratchet_list_schedules, ratchet_get_job_status, ratchet_get_task_metrics, ratchet_system_health, ratchet_registry_health)',
    ),
    enable_debugging: toolGroup(
      'debugging (ratchet_analyze_execution_error, ratchet_debug_task_execution, ratchet_debug_task_step, ratchet_replay_execution, ratchet_get_execution_profile)',
    ),
    toolsets: z
      .array(
        z.enum([
          'tasks',
          'testing',
          'execution',
          'development',
          'jobs',
          'workflows',
          'registry',
          'processes',
          'operations',
          'all',
        ]),
      )
      .optional()
      .describe(
        'Toolsets listed in tools/list (see docs/mcp.md; `all` for every one); the others stay callable by name and a client can list them at run time with ratchet_enable_toolset. Unset: the default toolsets. `--toolsets` on `ratchet mcp-serve` / `ratchet mcp` overrides it. The enable_* switches still remove their tools entirely',
      ),
  })
  .strict();

export const mcp = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Serve /mcp on `ratchet serve` (false: not mounted there; `ratchet mcp` and `mcp-serve` are unaffected)',
      ),
    transport: z
      .enum(['stdio', 'http'])
      .optional()
      .describe(
        'How `ratchet mcp-serve` and `ratchet mcp` serve when no --transport is given: `stdio`, or `http` (Streamable HTTP on mcp.host:mcp.port; `sse` is read as its old name). Unset: stdio for `mcp-serve`, http for `mcp`',
      ),
    host: z.string().min(1).default('127.0.0.1').describe('Address of the MCP HTTP transport'),
    port: port().default(8090).describe('Port of the MCP HTTP transport'),
    endpoint: z.string().startsWith('/').default('/mcp').describe('Path of the MCP HTTP endpoint'),
    rate_limit: mcpRateLimit
      .prefault({})
      .describe('Per-client rate limit of MCP over HTTP (/mcp), counted apart from the REST API'),
    authentication: authentication.prefault({}).describe('Authentication of MCP over HTTP'),
    security: z
      .object({
        request_limits: requestLimits.prefault({}).describe('Request size and concurrency limits of MCP'),
        ip_filtering: ipFiltering('requests to /mcp'),
      })
      .strict()
      .prefault({})
      .describe('Limits and IP filtering of MCP'),
    allowed_roots: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Folders under which MCP clients over HTTP may name a task by path (task_id_or_path: a task folder or zip, read fresh on every call); relative paths are tried under each root. Empty: HTTP clients name tasks by id, UUID or name only. Local stdio clients may name any path',
      ),
    tools: tools.prefault({}).describe('Tool groups offered over MCP (stdio and HTTP)'),
    enable_cors: z
      .boolean()
      .default(false)
      .describe(
        '`ratchet mcp --transport http` answers cross-origin browser requests (CORS, any origin; pair it with authentication); /mcp on `ratchet serve` follows server.cors.origins instead',
      ),
    request_timeout: z
      .number()
      .positive()
      .optional()
      .describe(
        'Seconds a tool call may take before it is cancelled and answered with a TIMEOUT tool error (over stdio and HTTP; background, task-augmented calls are not bound by it). Unset: calls are bounded only by the task limits and their own timeout arguments',
      ),
    max_connections: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Most open connections `ratchet mcp --transport http` accepts at once (further ones are closed at once); /mcp on `ratchet serve` shares the REST listener and is not limited by it',
      ),
  })
  .strict();
