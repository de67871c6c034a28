// The one schema for Ratchet's configuration file. Every key has a default, so `{}` (or no file at
// all) parses to a complete configuration. Objects are `.strict()` so a typo is an error instead of a
// silently ignored key. Sections use `.prefault({})` (not `.default`) because zod v4's `.default`
// returns its value without parsing it, which would skip the inner defaults.
// The `.describe()` texts are rendered into docs/configuration.md by docs.ts.
import { z } from 'zod';

import { byteSize, parseByteSize } from './bytes.ts';
import { gitRefProblem, gitUriProblem } from './git-names.ts';
import { server } from './schema-server.ts';
import { mcp } from './schema-mcp.ts';
import { consoleSection } from './schema-console.ts';
import { graphql } from './schema-graphql.ts';
import { hostPatternProblem } from '../http/policy.ts';
import { DEFAULT_MAX_JSON_DEPTH, MAX_JSON_DEPTH_CEILING } from './value-limits.ts';

export { BYTE_SIZE_PATTERN, parseByteSize } from './bytes.ts';
export { DATABASE_URL_PATTERN } from './schema-server.ts';

const isGitRef = (v: string): boolean => gitRefProblem(v) === undefined;
const gitRefError =
  (key: string) =>
  (issue: { input?: unknown }): string =>
    `${key} is not a valid git name: it ${gitRefProblem(String(issue.input))}`;

const registrySource = z
  .object({
    name: z.string().min(1).describe('Name of the source, unique among sources'),
    uri: z
      .string()
      .min(1)
      .refine((v) => gitUriProblem(v) === undefined, {
        error: (i) => `uri ${gitUriProblem(String(i.input))}`,
      })
      .describe(
        '`file://PATH`, a local path, or a git URL (`https://…`, `ssh://…`, `git@host:org/repo.git`)',
      ),
    branch: z
      .string()
      .min(1)
      .refine(isGitRef, { error: gitRefError('branch') })
      .optional()
      .describe('Git branch to follow'),
    ref: z
      .string()
      .min(1)
      .refine(isGitRef, { error: gitRefError('ref') })
      .optional()
      .describe('Git tag or commit to pin'),
    config: z
      .object({
        watch: z.boolean().default(false).describe('Reload tasks when files change'),
        refresh_interval_seconds: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('Re-fetch a git source this often'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const registry = z
  .object({
    sources: z
      .array(registrySource)
      .default([])
      .superRefine((sources, ctx) => {
        const seen = new Set<string>();
        sources.forEach((s, i) => {
          if (seen.has(s.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate source name "${s.name}"` });
          seen.add(s.name);
        });
      })
      .describe('Where tasks are loaded from'),
    cache_dir: z.string().min(1).default('./data/repos').describe('Where git sources are cloned'),
  })
  .strict();

const execution = z
  .object({
    max_execution_duration: z
      .number()
      .int()
      .min(1)
      .default(300)
      .describe('Longest a task may run, in seconds'),
    validate_schemas: z
      .boolean()
      .default(true)
      .describe('Validate task input and output against their JSON Schemas'),
    default_memory_limit: byteSize()
      .default('128MB')
      .describe('Memory a task may use unless it asks for less'),
    max_memory_limit: byteSize().default('1GB').describe('Most memory any task may use'),
    stack_size_kb: z.number().int().min(16).default(256).describe('Sandbox stack size, in KiB'),
    max_json_depth: z
      .number()
      .int()
      .min(1)
      .max(MAX_JSON_DEPTH_CEILING)
      .default(DEFAULT_MAX_JSON_DEPTH)
      .describe(
        'Deepest nesting of arrays and objects in a task input (refused before it is stored or run) or output (the run fails)',
      ),
    max_input_bytes: byteSize()
      .default('10MB')
      .describe('Largest task input, as JSON; larger inputs are refused before they are stored or run'),
    max_output_bytes: byteSize()
      .default('16MB')
      .describe('Largest task output, as JSON; a run returning more fails with OutputLimitError'),
    max_result_bytes: byteSize()
      .default('64MB')
      .describe(
        "Most an execution's stored record may hold (output, error, logs, recorded HTTP traffic, progress); recorded HTTP bodies are cut with a marker to fit, and a result that still does not fit fails with ResultTooLargeError",
      ),
    host_budget_ratio: z
      .number()
      .min(0.01)
      .max(16)
      .default(1)
      .describe(
        "A run's host budget, as a multiple of its memory limit (at least 8 MB): what a task may make the host hold outside its sandbox (logs, progress, recorded HTTP exchanges, pending timers, output). Logs and progress past it are dropped and recorded bodies truncated; timers, recorded requests or output past it fail the run with OutOfMemoryError",
      ),
  })
  .strict()
  .superRefine((e, ctx) => {
    // Only compare when both sizes are well-formed; malformed ones are reported by their own schema.
    try {
      if (parseByteSize(e.default_memory_limit) > parseByteSize(e.max_memory_limit)) {
        ctx.addIssue({
          code: 'custom',
          path: ['default_memory_limit'],
          message: `larger than execution.max_memory_limit (${String(e.max_memory_limit)})`,
        });
      }
    } catch {
      /* reported elsewhere */
    }
  });

/** A list of egress policy entries, each checked when the configuration is loaded. */
function hostPatterns() {
  return z
    .array(
      z
        .string()
        .min(1)
        .superRefine((entry, ctx) => {
          const problem = hostPatternProblem(entry);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
    )
    .default([]);
}

const http = z
  .object({
    timeout: z.number().int().min(1).default(30).describe("Timeout of a task's fetch() call, in seconds"),
    max_redirects: z.number().int().min(0).default(10).describe('Redirects fetch() follows'),
    user_agent: z.string().default('Ratchet/1.0').describe('User-Agent header of fetch() requests'),
    verify_ssl: z.boolean().default(true).describe('Verify TLS certificates'),
    allowed_hosts: hostPatterns().describe(
      "Destinations fetch() and webhooks may reach: `host`, `host:port`, `*.domain` (subdomains), an address or a CIDR range (`10.0.0.0/8`, `10.0.0.0/8:443`); each opens exactly what it names, loopback, private and metadata addresses included. Empty: every public host. Non-public addresses are always denied unless an entry names them; the server's own port needs an entry naming that port",
    ),
    denied_hosts: hostPatterns().describe(
      'Destinations fetch() and webhooks may never reach (same entries; addresses and ranges also match the address a name resolves to); wins over allowed_hosts',
    ),
    max_response_bytes: z
      .number()
      .int()
      .min(1)
      .default(10485760)
      .describe('Largest response body fetch() reads, in bytes'),
    redact_headers: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Header names whose values are stored as `[REDACTED]` in traces, recordings and API answers, on top of the built-in `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key` and names ending in `token`, `secret`, `password`, `apikey` or `signature`',
      ),
    redact_query_params: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'URL query parameter names whose values are redacted like headers, on top of the built-in key and token names (`api_key`, `key`, `token`, `access_token`, `secret`, `password`, `signature`, … see docs/server.md)',
      ),
  })
  .strict();

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const logging = z
  .object({
    level: z.enum(LOG_LEVELS).default('info').describe('Least severe level logged'),
    format: z
      .enum(['pretty', 'json'])
      .default('pretty')
      .describe('`pretty` for people, `json` for log collectors (`structured: true` is read as `json`)'),
    destination: z
      .enum(['console', 'file'])
      .default('console')
      .describe(
        'Where `serve`, `worker`, `mcp` and `mcp-serve` log: `console` (the request log on stdout, the rest on stderr) or `file` (the request log and their start-up, worker and scheduler lines to file_config.path, rotated by size; command output and errors stay on the terminal)',
      ),
    file_config: z
      .object({
        path: z
          .string()
          .min(1)
          .default('./logs/ratchet.log')
          .describe(
            'Log file with destination `file`; written numbered: `ratchet.log` as ratchet.1.log, then ratchet.2.log after a rotation (the highest is the current file)',
          ),
        rotation: z
          .object({
            max_size_mb: z
              .number()
              .positive()
              .default(100)
              .describe('Size in MB (1024² bytes; decimals allowed) at which the log file is rotated'),
            max_files: z
              .number()
              .int()
              .min(1)
              .default(10)
              .describe('Log files kept, the current one included; older ones are deleted at rotation'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({})
      .describe('The log file'),
    context: z
      .object({
        enabled: z
          .boolean()
          .optional()
          .describe(
            'JSON lines carry the process context (`pid`, `hostname`): true on every line, false on none; unset: request lines carry it and the lines said outside requests do not',
          ),
        include_file_location: z
          .boolean()
          .default(false)
          .describe(
            'Lines said outside requests (start-up, sync, worker and scheduler lines) name the source line that said them: a `caller` field in JSON, `(at FILE:LINE)` in pretty lines',
          ),
      })
      .strict()
      .prefault({})
      .describe('Context added to log lines'),
  })
  .strict();

const delivery = z
  .object({
    filesystem: z
      .object({
        allowed_roots: z
          .array(z.string().min(1))
          .min(1)
          .default(['./data/outputs'])
          .describe(
            'Folders filesystem output destinations may write under (symlinks resolved); a relative destination path is taken from the first',
          ),
      })
      .strict()
      .prefault({})
      .describe('Filesystem output destinations'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    server: server.prefault({}).describe('REST server, database, queue and workers'),
    registry: registry.prefault({}).describe('Task sources'),
    execution: execution.prefault({}).describe('Task sandbox limits'),
    http: http.prefault({}).describe('The fetch() available to tasks'),
    logging: logging.prefault({}).describe('Logs'),
    mcp: mcp.prefault({}).describe('Model Context Protocol server'),
    graphql: graphql.prefault({}).describe('GraphQL API, subscriptions and playground'),
    delivery: delivery.prefault({}).describe('Where job results may be delivered'),
    console: consoleSection.prefault({}).describe('The interactive console (`ratchet console`)'),
  })
  .strict();

export type RatchetConfig = z.infer<typeof ConfigSchema>;
/** What a configuration file may contain: every key optional. */
export type RatchetConfigInput = z.input<typeof ConfigSchema>;
