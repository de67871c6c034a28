// Small pieces every resource plugin shares.
import type { FastifyRequest } from 'fastify';
import type { Ratchet } from '../../app.ts';
import type { Principal } from '../../server/auth.ts';

export interface RestOptions extends Record<string, unknown> {
  app: Ratchet;
}

/** Who made the request, for `changedBy` and the like: the API key's name, or "anonymous". */
export function actorOf(request: FastifyRequest): string {
  const p = request.principal as Principal | null;
  return p && 'name' in p ? p.name : 'anonymous';
}

export interface IdParam {
  id: string;
}

/**
 * preValidation hook for routes whose body is optional: a request without one is validated (and
 * handled) as `{}`, so `POST /tasks/1/test` with no body behaves like `{}` rather than failing.
 */
export async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}
