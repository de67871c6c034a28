// GraphQL errors in the one error vocabulary (services/error-codes.ts): every error leaves with
// `extensions.code`. Service and store errors map through ERROR_FACES (NOT_FOUND, BAD_USER_INPUT,
// CONFLICT, …); the server's own ApiError (401/403 from the auth hook) likewise; the parser's and
// validator's errors get Apollo's GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED, a variable of
// the wrong type BAD_USER_INPUT; anything unclassified is INTERNAL_SERVER_ERROR with no detail.
import { GraphQLError, type ExecutionResult } from 'graphql';
import { classifyError, ERROR_FACES } from '../../services/error-codes.ts';
import { ApiError } from '../../server/errors.ts';

export const BODY_TOO_LARGE = 'PAYLOAD_TOO_LARGE';

/** A GraphQL error with a code (and further extensions). */
export function gqlError(
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const badInput = (message: string, extensions: Record<string, unknown> = {}): GraphQLError =>
  gqlError('BAD_USER_INPUT', message, extensions);

interface Coded {
  code: string;
  message: string;
  extensions?: Record<string, unknown>;
  status?: number;
}

interface Logger {
  error(obj: unknown, msg?: string): void;
}

/** What a thrown error (not yet a coded GraphQL error) means to the client. */
function codeOf(err: Error, bodyLimit: number): Coded {
  if (err instanceof ApiError) {
    return {
      code: ERROR_FACES[err.code].graphql,
      message: err.message,
      status: err.status,
      ...(err.details ? { extensions: err.details } : {}),
    };
  }
  const classified = classifyError(err);
  if (classified) {
    return {
      code: ERROR_FACES[classified.code].graphql,
      message: classified.message,
      ...(classified.details ? { extensions: classified.details } : {}),
    };
  }
  const fastifyCode = (err as { code?: unknown }).code;
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      code: BODY_TOO_LARGE,
      message: `the request body is larger than ${bodyLimit} bytes (graphql.body_limit_bytes)`,
      status: 413,
    };
  }
  // Automatic persisted queries: the codes Apollo's clients act on (send the full query next).
  if (fastifyCode === 'MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND')
    return { code: 'PERSISTED_QUERY_NOT_FOUND', message: err.message, status: 400 };
  if (fastifyCode === 'MER_ERR_GQL_PERSISTED_QUERY_NOT_SUPPORTED')
    return { code: 'PERSISTED_QUERY_NOT_SUPPORTED', message: err.message, status: 400 };
  // A body that is not JSON, a request whose shape is wrong (`query` not a string), `variables`
  // that are not JSON, a persisted-query or method mistake: the request's fault.
  if (typeof fastifyCode === 'string' && /^(FST_ERR_CTP_|FST_ERR_VALIDATION|MER_ERR_)/.test(fastifyCode)) {
    const message = fastifyCode === 'FST_ERR_VALIDATION' ? `the request ${err.message}` : err.message;
    const status = (err as { statusCode?: unknown }).statusCode;
    return {
      code: 'BAD_USER_INPUT',
      message,
      status: typeof status === 'number' && status >= 400 && status < 500 ? status : 400,
    };
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: 'internal error (see the server log)' };
}

/** Errors the parser, validator and variable coercion produce: no originalError, no path. */
function graphqlCode(e: GraphQLError): string {
  if (e.message.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  if (e.message.startsWith('Variable "')) return 'BAD_USER_INPUT';
  return 'GRAPHQL_VALIDATION_FAILED';
}

/**
 * graphql-jit's errors (a repeated query's) carry their `locations` but no AST nodes to compute
 * them from: without this, the same failing query answered with locations once, then without.
 */
function keepLocations(rebuilt: GraphQLError, from: GraphQLError | undefined): GraphQLError {
  if (rebuilt.locations === undefined && from?.locations !== undefined)
    (rebuilt as { locations?: GraphQLError['locations'] }).locations = from.locations;
  return rebuilt;
}

/** One error (or the several a validation failure carries) as coded GraphQL errors. */
export function codedErrors(
  error: unknown,
  bodyLimit: number,
  log: Logger,
): { errors: GraphQLError[]; status?: number } {
  const e = error instanceof GraphQLError ? error : undefined;
  const original = e ? e.originalError : error;
  // Mercurius wraps parse and validation failures: their list is in `.errors`.
  const inner = (original as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(inner) && inner.length > 0) {
    const outer = (original as { statusCode?: unknown }).statusCode;
    const status = typeof outer === 'number' && outer >= 400 && outer < 500 ? outer : 400;
    // Plain errors in the list are Mercurius's own reasons (a mutation over GET): the request's fault.
    const errors = inner.flatMap((x: unknown) =>
      x instanceof Error && !(x instanceof GraphQLError) && (x as { code?: unknown }).code === undefined
        ? [badInput(x.message)]
        : codedErrors(x, bodyLimit, log).errors,
    );
    return { errors, status };
  }
  if (e && e.extensions?.code !== undefined) return { errors: [e] };
  if (e && (original === undefined || original instanceof GraphQLError)) {
    const g = original instanceof GraphQLError ? original : e;
    if (g.extensions?.code !== undefined) return { errors: [g] };
    return {
      errors: [
        keepLocations(
          new GraphQLError(g.message, {
            nodes: g.nodes,
            source: g.source,
            positions: g.positions,
            path: g.path,
            extensions: { ...g.extensions, code: graphqlCode(g) },
          }),
          g,
        ),
      ],
      status: g.path ? undefined : 400,
    };
  }
  const err = original instanceof Error ? original : new Error(String(original));
  const coded = codeOf(err, bodyLimit);
  if (coded.code === 'INTERNAL_SERVER_ERROR') log.error({ err }, 'GraphQL resolver failed');
  return {
    errors: [
      keepLocations(
        new GraphQLError(coded.message, {
          nodes: e?.nodes,
          source: e?.source,
          positions: e?.positions,
          path: e?.path,
          extensions: { ...coded.extensions, code: coded.code },
        }),
        e,
      ),
    ],
    ...(coded.status !== undefined ? { status: coded.status } : {}),
  };
}

/** Mercurius's errorFormatter: coded errors, and the HTTP status GraphQL over HTTP expects. */
export function formatExecution(
  execution: ExecutionResult & { statusCode?: number },
  bodyLimit: number,
  log: Logger,
): { statusCode: number; response: { data: unknown; errors: unknown[] } } {
  let status: number | undefined;
  const errors = (execution.errors ?? []).flatMap((err) => {
    const out = codedErrors(err, bodyLimit, log);
    status ??= out.status;
    return out.errors.map((x) => x.toJSON());
  });
  // With data (a resolver failed) the answer is 200; without, the first error's status.
  const statusCode = execution.data ? 200 : (status ?? execution.statusCode ?? 200);
  return { statusCode, response: { data: execution.data ?? null, errors } };
}
