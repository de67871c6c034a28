// Turns what tools throw into tool errors a model can act on: `isError: true`, the message as
// text and `structuredContent: { error: { code, message, details } }`. Wrong arguments (zod) list
// every bad field with what it expects; unknown argument names are named with the allowed ones.
import type { z } from 'zod';
import { classifyError } from '../../services/error-codes.ts';
import { ToolInputError } from './tool.ts';
import { UNSUPPORTED_ARGUMENT_HINTS } from './aliases.ts';
import { closest } from '../../config/errors.ts';

export interface ToolErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export interface ToolErrorResult {
  [key: string]: unknown;
  isError: true;
  content: { type: 'text'; text: string }[];
  structuredContent: { error: ToolErrorBody };
}

export function toolError(body: ToolErrorBody): ToolErrorResult {
  const text =
    body.details === undefined ? body.message : `${body.message}\n${JSON.stringify(body.details, null, 2)}`;
  return { isError: true, content: [{ type: 'text', text }], structuredContent: { error: body } };
}

/** `$.requests[2].task_id` style paths, the same as services use for violations. */
function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    '$',
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, args: unknown): string {
  if (issue.code === 'invalid_type') {
    const got = valueAt(args, issue.path);
    const received =
      got === undefined ? 'nothing (the argument is missing)' : JSON.stringify(got)?.slice(0, 80);
    // A task input may come as JSON text (task-args.ts parses it); this one did not hold an object.
    if (issue.expected === 'record' && typeof got === 'string')
      return `expected an object (or JSON text of one), got ${received}`;
    return `expected ${issue.expected === 'record' ? 'an object' : issue.expected}, got ${received}`;
  }
  return issue.message;
}

interface ZodNode {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, ZodNode>;
      catchall?: ZodNode;
      innerType?: ZodNode;
      element?: ZodNode;
    };
  };
}

/**
 * Unknown keys inside nested objects (a batch item's `taks_id`): zod drops them silently, so a
 * model would never learn its field was ignored. Objects that accept any key (passthrough, records)
 * are skipped; so are unions, where which branch was meant is not known.
 */
function nestedUnknownKeys(
  schema: ZodNode,
  value: unknown,
  path: string,
  out: { path: string; message: string }[],
): void {
  const def = schema._zod.def;
  if (def.innerType) return nestedUnknownKeys(def.innerType, value, path, out);
  if (def.type === 'array' && def.element && Array.isArray(value)) {
    value.forEach((v, i) => nestedUnknownKeys(def.element!, v, `${path}[${i}]`, out));
    return;
  }
  if (
    def.type !== 'object' ||
    !def.shape ||
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value)
  )
    return;
  const allowed = Object.keys(def.shape);
  const open = def.catchall !== undefined && def.catchall._zod.def.type !== 'never';
  for (const [key, v] of Object.entries(value)) {
    if (key in def.shape) nestedUnknownKeys(def.shape[key]!, v, `${path}.${key}`, out);
    else if (!open)
      out.push({
        path: `${path}.${key}`,
        message: `unknown key${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}`,
      });
  }
}

/** ` (did you mean "x"?)` for the closest of `known`, or "" when none is close. */
export function didYouMean(given: string, known: readonly string[]): string {
  const best = closest(given, known);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** The argument errors of one call: each bad field, what it expects, and unknown names. */
export function argumentErrors(
  toolName: string,
  schema: z.ZodObject,
  args: unknown,
  error: z.ZodError | undefined,
  /** Canonical argument → the name the caller used (`task_id` → `task_id_or_path`). */
  sentAs: Readonly<Record<string, string>> = {},
): ToolErrorResult | undefined {
  const problems: { path: string; message: string }[] = [];
  const allowed = Object.keys(schema.shape);
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    for (const key of Object.keys(args)) {
      if (!allowed.includes(key)) {
        const hint = UNSUPPORTED_ARGUMENT_HINTS[key];
        const message = hint
          ? `not supported: ${hint}`
          : `unknown argument${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}`;
        problems.push({ path: `$.${key}`, message });
      }
    }
  }
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    for (const [key, v] of Object.entries(args))
      if (key in schema.shape) nestedUnknownKeys(schema.shape[key] as ZodNode, v, `$.${key}`, problems);
  }
  for (const issue of error?.issues ?? [])
    problems.push({ path: pathOf(issue.path), message: describeIssue(issue, args) });
  if (problems.length === 0) return undefined;
  // Paths name the arguments as the caller sent them.
  for (const p of problems) {
    const m = /^\$\.([a-z_]+)/.exec(p.path);
    const sent = m ? sentAs[m[1]!] : undefined;
    if (sent !== undefined) p.path = `$.${sent}${p.path.slice(m![0].length)}`;
  }
  const lines = problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
  return toolError({
    code: 'INVALID_ARGUMENTS',
    message: `invalid arguments for ${toolName}; fix these and call again:\n${lines}`,
    details: { violations: problems },
  });
}

/** Known failures become tool errors; anything else is a bug and is reported as INTERNAL_ERROR. */
export function errorResult(err: unknown): ToolErrorResult {
  if (err instanceof ToolInputError)
    return toolError({ code: 'INVALID_ARGUMENTS', message: err.message, details: err.details });
  // The shared vocabulary (services/error-codes.ts): the same code and message as REST and the CLI.
  const known = classifyError(err);
  if (known) return toolError(known);
  const message = err instanceof Error ? err.message : String(err);
  return toolError({ code: 'INTERNAL_ERROR', message: `internal error: ${message}` });
}
