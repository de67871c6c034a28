// The one error vocabulary. Every failure a user can act on is classified here into a code, a
// message and optional details; each face turns the code into its own signal through ERROR_FACES
// (REST status, MCP tool-error code, GraphQL extensions.code, CLI exit code), so a missing job
// reads the same everywhere. Faces never match error classes themselves.
import { ConflictError, NotFoundError } from '../store/codec.ts';
import { ListQueryError } from '../store/list-query.ts';
import { InvalidVersionError } from '../store/semver-key.ts';
import { isDatabaseUnavailable, DB_RETRY_AFTER_SECONDS } from '../store/outage.ts';
import { IllegalTransitionError } from '../queue/states.ts';
import { TaskLoadError } from '../tasks/types.ts';
import { QueueFullError, ShuttingDownError, ValidationError } from './errors.ts';
import { WorkflowDefinitionError } from '../workflows/types.ts';
import { WorkflowInputError } from '../workflows/engine/start.ts';
import { IllegalWorkflowTransitionError } from '../workflows/states.ts';

export type ErrorCode =
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'VALIDATION_ERROR'
  | 'TASK_LOAD_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export interface ErrorFaces {
  /** REST status. */
  http: number;
  /** GraphQL `extensions.code` (Apollo's names where one fits). */
  graphql: string;
  /** `ratchet …` exit code: 1 for a failure the user can fix by changing the request, 2 for usage/config. */
  cliExit: number;
}

export const ERROR_FACES: Readonly<Record<ErrorCode, ErrorFaces>> = {
  NOT_FOUND: { http: 404, graphql: 'NOT_FOUND', cliExit: 1 },
  BAD_REQUEST: { http: 400, graphql: 'BAD_USER_INPUT', cliExit: 1 },
  VALIDATION_ERROR: { http: 422, graphql: 'BAD_USER_INPUT', cliExit: 1 },
  TASK_LOAD_ERROR: { http: 422, graphql: 'BAD_USER_INPUT', cliExit: 1 },
  UNAUTHORIZED: { http: 401, graphql: 'UNAUTHENTICATED', cliExit: 1 },
  FORBIDDEN: { http: 403, graphql: 'FORBIDDEN', cliExit: 1 },
  CONFLICT: { http: 409, graphql: 'CONFLICT', cliExit: 1 },
  RATE_LIMITED: { http: 429, graphql: 'RATE_LIMITED', cliExit: 1 },
  TIMEOUT: { http: 504, graphql: 'TIMEOUT', cliExit: 1 },
  SERVICE_UNAVAILABLE: { http: 503, graphql: 'SERVICE_UNAVAILABLE', cliExit: 1 },
  INTERNAL_ERROR: { http: 500, graphql: 'INTERNAL_SERVER_ERROR', cliExit: 1 },
};

export interface ClassifiedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** What a user can act on, classified; undefined for anything else (a bug: each face says "internal"). */
export function classifyError(err: unknown): ClassifiedError | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err instanceof NotFoundError) return { code: 'NOT_FOUND', message: err.message };
  if (err instanceof WorkflowDefinitionError) {
    // Each problem as a violation whose path says where: file:line:column and the step.
    const violations = err.problems.map((p) => ({
      path: `${p.file ?? 'definition'}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}${p.step ? ` step "${p.step}"` : ''}`,
      message: p.message,
    }));
    return { code: 'VALIDATION_ERROR', message: err.message, details: { violations } };
  }
  if (err instanceof WorkflowInputError)
    return { code: 'VALIDATION_ERROR', message: err.message, details: { violations: err.violations } };
  if (
    err instanceof ConflictError ||
    err instanceof IllegalTransitionError ||
    err instanceof IllegalWorkflowTransitionError
  )
    return { code: 'CONFLICT', message: err.message };
  if (err instanceof ListQueryError || err instanceof InvalidVersionError)
    return { code: 'BAD_REQUEST', message: err.message };
  if (err instanceof ValidationError)
    return { code: 'VALIDATION_ERROR', message: err.message, details: { violations: err.violations } };
  if (err instanceof TaskLoadError)
    return { code: 'TASK_LOAD_ERROR', message: err.message, details: { problems: err.problems } };
  if (err instanceof QueueFullError || err instanceof ShuttingDownError)
    return { code: 'SERVICE_UNAVAILABLE', message: err.message };
  if (isDatabaseUnavailable(err)) {
    return {
      code: 'SERVICE_UNAVAILABLE',
      message: `the database is unavailable; retry in ${DB_RETRY_AFTER_SECONDS} s`,
    };
  }
  return undefined;
}
