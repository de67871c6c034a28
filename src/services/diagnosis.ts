// Error diagnosis from an execution's own data: what the error class usually means, the schema
// paths that failed, the HTTP call that failed, the code lines around the failing line, and fixes
// that follow from those facts. Pure functions over the execution and its task version.
import type { ExecutionRecord } from './executions.ts';
import type { TaskVersionRecord } from './tasks.ts';
import { httpCall, type HttpCallView } from './execution-trace.ts';

export const ERROR_CAUSES: Record<string, string> = {
  ValidationError:
    "The input did not match the task's input schema (or the task threw ValidationError itself).",
  OutputValidationError: 'The task returned a value that does not match its output schema.',
  OutputLimitError:
    'The task returned a value nested deeper or larger than the server accepts (execution.max_json_depth, execution.max_output_bytes).',
  ResultTooLargeError:
    "The execution's record (output, logs, recorded HTTP traffic) could not be stored within execution.max_result_bytes.",
  ResultStoreError: "The database refused the execution's record; only this execution failed.",
  DataError: 'The task rejected its input or data it received (the task threw DataError).',
  HttpError: 'An HTTP call got an error status and the task threw HttpError for it.',
  NetworkError: 'An HTTP call got no response: DNS failure, connection refused or reset, TLS failure.',
  PolicyError: "An HTTP call was blocked by the server's network policy (allow/deny lists).",
  TimeoutError: 'The run exceeded its time limit, or an HTTP call timed out.',
  AuthenticationError: 'A service refused the credentials (usually an HTTP 401).',
  AuthorizationError: 'A service refused access with valid credentials (usually an HTTP 403).',
  RateLimitError: 'A service rate-limited the task (usually an HTTP 429).',
  ServiceUnavailableError: 'A service was down or overloaded (usually an HTTP 502/503/504).',
  ConfigurationError: 'The task found its configuration missing or inconsistent.',
  SyntaxError: 'main.js does not parse, or JSON.parse got text that is not JSON.',
  ReferenceError:
    'The code uses a name that is not defined (a typo, or a Node/browser API the sandbox lacks).',
  TypeError:
    'A value had the wrong type: usually reading a property of undefined or null, or calling a non-function.',
  RangeError: 'A number or length was out of range.',
  StackOverflowError: 'Recursion went too deep for the sandbox stack.',
  OutOfMemoryError: "The run used more memory than the task's memory limit.",
  CancelledError: 'The execution was cancelled by a user or by shutdown.',
  InternalError: 'The sandbox itself failed.',
};

export interface SchemaViolation {
  path: string;
  message: string;
  /** The JSON Schema keyword that failed, when the run recorded it. */
  keyword?: string;
}

export interface CodeLine {
  line: number;
  text: string;
  failing: boolean;
}

export interface Diagnosis {
  error_type: string;
  message: string;
  usual_cause: string;
  phase: 'input' | 'run' | 'output' | 'cancelled';
  location: { file: string; line: number; column: number | null } | null;
  schema_violations: SchemaViolation[];
  failed_http_call: HttpCallView | null;
  code_context: CodeLine[];
  suggestions: string[];
}

interface StoredError {
  type: string;
  message: string;
  stack?: string;
  location?: { file?: string; line?: number; column?: number };
  status?: number;
  details?: { phase?: string; violations?: SchemaViolation[] };
}

/** The failing line: the stored location, else the first `main.js:LINE` in the stack. */
function locationOf(err: StoredError): Diagnosis['location'] {
  const loc = err.location;
  if (loc?.line !== undefined)
    return { file: loc.file ?? 'main.js', line: loc.line, column: loc.column ?? null };
  const m = /main\.js:(\d+)(?::(\d+))?/.exec(err.stack ?? '');
  return m ? { file: 'main.js', line: Number(m[1]), column: m[2] ? Number(m[2]) : null } : null;
}

function codeAround(code: string, line: number, radius = 3): CodeLine[] {
  const lines = code.split('\n');
  const from = Math.max(1, line - radius);
  const to = Math.min(lines.length, line + radius);
  const out: CodeLine[] = [];
  for (let n = from; n <= to; n++) out.push({ line: n, text: lines[n - 1]!, failing: n === line });
  return out;
}

/** Only the declared fields: a stored violation may carry more (params, schema paths). */
function violationView(v: SchemaViolation): SchemaViolation {
  return {
    path: String(v.path),
    message: String(v.message),
    ...(typeof v.keyword === 'string' ? { keyword: v.keyword } : {}),
  };
}

function violationsOf(err: StoredError): SchemaViolation[] {
  if (Array.isArray(err.details?.violations)) return err.details.violations.map(violationView);
  // Older rows keep only the formatted message: "  $.path message" lines.
  return [...err.message.matchAll(/^\s*(\$[^\s]*)\s+(.+)$/gm)].map((m) => ({ path: m[1]!, message: m[2]! }));
}

function failedCall(e: ExecutionRecord): HttpCallView | null {
  const calls = (e.http ?? []).map((x) => httpCall(x, true));
  return calls.reverse().find((c) => c.error !== null || (c.status !== null && c.status >= 400)) ?? null;
}

function suggest(d: Omit<Diagnosis, 'suggestions'>, version: TaskVersionRecord): string[] {
  const s: string[] = [];
  const call = d.failed_http_call;
  for (const v of d.schema_violations) {
    if (d.phase === 'output') {
      s.push(
        `The output at ${v.path} ${v.message}: change main.js to return a matching value there, or change output.schema.json if the schema is wrong.`,
      );
    } else {
      s.push(
        `Input ${v.path} ${v.message}: send a matching value, or relax input.schema.json if the task should accept it.`,
      );
    }
  }
  if (call) {
    if (call.error) {
      s.push(
        `${call.method} ${call.url} failed with ${call.error.type} (${call.error.message}): check the URL and host, that the service is reachable from the server, and the network policy.`,
      );
    } else if (call.status === 401 || call.status === 403) {
      s.push(
        `${call.method} ${call.url} answered ${call.status}: pass valid credentials (an API key in the input, sent as a header) and check their permissions.`,
      );
    } else if (call.status === 404) {
      s.push(
        `${call.method} ${call.url} answered 404: the path or resource id is wrong; compare the URL the task built with the API's documentation.`,
      );
    } else if (call.status === 429) {
      s.push(
        `${call.method} ${call.url} answered 429: slow down or retry later (queue the run as a job with max_retries).`,
      );
    } else if (call.status !== null && call.status >= 500) {
      s.push(
        `${call.method} ${call.url} answered ${call.status}: the service failed; retry later (ratchet_retry_execution) or handle the status in main.js.`,
      );
    } else if (call.status !== null) {
      s.push(
        `${call.method} ${call.url} answered ${call.status}: read response_body for the service's reason and fix the request the task builds.`,
      );
    }
  }
  const failing = d.code_context.find((l) => l.failing)?.text.trim();
  // A CancelledError the task threw itself is not a cancel: only the phase (from the status) says so.
  switch (d.phase === 'cancelled' ? 'cancelled' : d.error_type) {
    case 'TypeError':
      s.push(
        `Guard the value used on line ${d.location?.line ?? '?'}${failing ? ` (\`${failing}\`)` : ''}: it is undefined or null there; check the input field or response field it comes from (optional chaining ?. or a default).`,
      );
      break;
    case 'ReferenceError': {
      const name = /(\w+) is not defined/.exec(d.message)?.[1];
      s.push(
        `Define ${name ? `\`${name}\`` : 'the missing name'} or fix its spelling; only the globals the sandbox provides (fetch, console, URL, TextEncoder, crypto.randomUUID, the Ratchet error classes) exist.`,
      );
      break;
    }
    case 'SyntaxError':
      s.push(
        /JSON/.test(d.message)
          ? 'The text given to JSON.parse is not JSON: check response.ok and the content type before parsing.'
          : 'Fix the syntax error in main.js at the reported line (ratchet_validate_task reports it without running).',
      );
      break;
    case 'TimeoutError':
      s.push(
        `Raise the time limit (metadata.json timeout, or the timeout argument) or make the task faster; an HTTP call that hangs needs a shorter timeout.`,
      );
      break;
    case 'OutOfMemoryError':
      s.push('Process less data at once (page through it) or raise memory_limit in metadata.json.');
      break;
    case 'StackOverflowError':
      s.push('Replace the deep recursion with a loop.');
      break;
    case 'DataError':
    case 'ConfigurationError':
      s.push(
        `The task threw ${d.error_type}("${d.message}")${failing ? ` at \`${failing}\`` : ''}: give it the data that check expects, or fix the check.`,
      );
      break;
    case 'cancelled':
      s.push('Nothing failed: the run was cancelled. Run it again if that was not intended.');
      break;
    default:
      break;
  }
  if (s.length === 0)
    s.push(
      `Read the ${d.error_type} message and the code around line ${d.location?.line ?? '?'}; ratchet_get_execution_logs shows what the task logged before it failed.`,
    );
  if (!version.tests.length && d.phase !== 'cancelled')
    s.push(
      'Add a test case reproducing this input (ratchet_create_task_version / ratchet_edit_task with tests) so the fix stays fixed.',
    );
  return s;
}

/** The diagnosis of a failed execution; null when it did not fail. */
export function diagnose(
  e: ExecutionRecord,
  version: TaskVersionRecord,
  withSuggestions: boolean,
): Diagnosis | null {
  if (!e.error) return null;
  const err = e.error as StoredError;
  const phase: Diagnosis['phase'] =
    // The status says whether the host cancelled the run; a task may throw any type it likes.
    e.status === 'CANCELLED'
      ? 'cancelled'
      : err.details?.phase === 'input' || (err.type === 'ValidationError' && err.details?.phase !== undefined)
        ? 'input'
        : err.type === 'OutputValidationError'
          ? 'output'
          : 'run';
  const location = locationOf(err);
  const base: Omit<Diagnosis, 'suggestions'> = {
    error_type: err.type,
    message: err.message,
    usual_cause: ERROR_CAUSES[err.type] ?? `A ${err.type} thrown by the task code.`,
    phase,
    location,
    schema_violations:
      err.type === 'ValidationError' || err.type === 'OutputValidationError' ? violationsOf(err) : [],
    failed_http_call: failedCall(e),
    code_context: location && location.file === 'main.js' ? codeAround(version.code, location.line) : [],
  };
  return { ...base, suggestions: withSuggestions ? suggest(base, version) : [] };
}

/** The diagnosis of input refused before any run (nothing was recorded). */
export function inputDiagnosis(message: string, violations: SchemaViolation[]): Diagnosis {
  const base: Omit<Diagnosis, 'suggestions'> = {
    error_type: 'ValidationError',
    message,
    usual_cause: ERROR_CAUSES.ValidationError!,
    phase: 'input',
    location: null,
    schema_violations: violations.map(violationView),
    failed_http_call: null,
    code_context: [],
  };
  return {
    ...base,
    suggestions: violations.map(
      (v) =>
        `Input ${v.path} ${v.message}: send a matching value, or relax input.schema.json if the task should accept it.`,
    ),
  };
}
