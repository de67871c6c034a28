// The one error envelope every HTTP error leaves the server in (COMPAT.md §7):
//   { "error": { "code": "NOT_FOUND", "message": "...", "status": 404, "details"?: {...} } }
// Routes throw ApiError (or let store/service errors bubble); this handler maps everything else,
// so no Fastify default error shape, stack trace or library message ever reaches a client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DB_RETRY_AFTER_SECONDS } from '../store/outage.ts';
import { classifyError, ERROR_FACES, type ErrorCode } from '../services/error-codes.ts';

/** What every JSON answer says it is (Fastify's own wording for JSON it serializes). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export type { ErrorCode } from '../services/error-codes.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; status: number; details?: Record<string, unknown> };
}

/** An error a route means to show the client as is: status, code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(status: number, code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

export interface FieldProblem {
  path: string;
  message: string;
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** `/a/0/b` (JSON pointer) → `a[0].b`, prefixed by the request part (`body`, `querystring`, …). */
function pointerToPath(part: string, pointer: string): string {
  let out = part;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`;
  }
  return out;
}

/** One entry per failing field, naming the missing/extra property rather than its parent. */
export function validationFields(part: string, issues: readonly AjvIssue[]): FieldProblem[] {
  return issues.map((i) => {
    let path = pointerToPath(part, i.instancePath ?? '');
    let message = i.message ?? 'is invalid';
    if (i.keyword === 'required' && typeof i.params?.missingProperty === 'string') {
      path += `.${i.params.missingProperty}`;
      message = 'is required';
    } else if (i.keyword === 'additionalProperties' && typeof i.params?.additionalProperty === 'string') {
      path += `.${i.params.additionalProperty}`;
      message = 'is not an allowed property';
    } else if (i.keyword === 'enum' && Array.isArray(i.params?.allowedValues)) {
      message = `must be one of ${i.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return { path, message };
  });
}

export function envelope(
  status: number,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): ErrorBody {
  return { error: { code, message, status, ...(details === undefined ? {} : { details }) } };
}

type Mapped = { status: number; code: ErrorCode; message: string; details?: Record<string, unknown> };

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  413: 'BAD_REQUEST',
  415: 'BAD_REQUEST',
  422: 'VALIDATION_ERROR',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
  504: 'TIMEOUT',
};

/** Maps any thrown value to what the client sees; undefined means "unexpected: 500". */
export function mapError(
  err: unknown,
  bodyLimit?: number,
  limitSetting = 'server.body_limit_bytes',
): Mapped | undefined {
  if (err instanceof ApiError)
    return { status: err.status, code: err.code, message: err.message, details: err.details };
  if (!(err instanceof Error)) return undefined;
  const known = classifyError(err);
  if (known) {
    const { code, message, details } = known;
    if (code === 'VALIDATION_ERROR') {
      // REST's shape: the summary line as message, the violations as details.fields.
      const fields = (details?.violations as FieldProblem[]).map((x) => ({
        path: x.path,
        message: x.message,
      }));
      return {
        status: ERROR_FACES[code].http,
        code,
        message: message.split('\n')[0] ?? message,
        details: { fields },
      };
    }
    return { status: ERROR_FACES[code].http, code, message, details };
  }
  const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const fields = validationFields(fe.validationContext ?? 'request', fe.validation);
    const summary = fields.map((f) => `${f.path} ${f.message}`).join('; ');
    return {
      status: 400,
      code: 'VALIDATION_ERROR',
      message: `invalid request: ${summary}`,
      details: { fields },
    };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = bodyLimit === undefined ? '' : ` (limit ${bodyLimit} bytes, ${limitSetting})`;
    return { status: 413, code: 'BAD_REQUEST', message: `request body is too large${limit}` };
  }
  // Errors raised by Fastify itself or its plugins for a client mistake carry a 4xx statusCode and a
  // safe message (bad JSON, unsupported media type, bad content length, rate limit).
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: STATUS_CODES[status] ?? 'BAD_REQUEST', message: fe.message };
  }
  if (status === 503) return { status, code: 'SERVICE_UNAVAILABLE', message: fe.message };
  return undefined;
}

/** Installs the envelope for thrown errors and unknown routes on `server` (root scope). */
export interface ErrorHandlingOptions {
  bodyLimit?: number;
  /** A route with its own body limit (mcp.security.request_limits.max_request_size_bytes). */
  routeBodyLimit?: { path: string; bytes: number; setting: string };
}

export function installErrorHandling(server: FastifyInstance, opts: ErrorHandlingOptions = {}): void {
  server.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const own = opts.routeBodyLimit;
    const mapped =
      own && request.url.split('?', 1)[0] === own.path
        ? mapError(err, own.bytes, own.setting)
        : mapError(err, opts.bodyLimit);
    if (mapped) {
      if (mapped.status >= 500) request.log.error({ err }, 'request failed');
      if (mapped.status === 503 && !reply.hasHeader('retry-after'))
        reply.header('retry-after', String(DB_RETRY_AFTER_SECONDS));
      return reply
        .code(mapped.status)
        .type(JSON_CONTENT_TYPE)
        .send(envelope(mapped.status, mapped.code, mapped.message, mapped.details));
    }
    // Unexpected: log everything, show nothing internal.
    request.log.error({ err }, 'unhandled error');
    return reply
      .code(500)
      .type(JSON_CONTENT_TYPE)
      .send(envelope(500, 'INTERNAL_ERROR', `internal error (request id ${request.id})`));
  });
  server.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply.code(404).send(envelope(404, 'NOT_FOUND', `no route ${request.method} ${path}`));
  });
}
