// Who is asking, per operation: the principal the server's auth hook found on the HTTP request (or
// the one connection_init named, for subscriptions), and the guard every resolver calls with the
// access level REST gives the same action. The route itself is public so that a missing key is a
// GraphQL error with extensions.code UNAUTHENTICATED rather than a bare HTTP 401.
import type { GraphQLError } from 'graphql';
import { allows, minimumRole, type Access, type Principal } from '../../services/roles.ts';
import { gqlError } from './errors.ts';

export interface GqlContext {
  principal: Principal;
  authRequired: boolean;
  /** A key presented in connection_init that was refused: every subscription answers it. */
  authError?: GraphQLError;
  /** Metrics: when the request began, and the operation once known. */
  startedAt?: number;
  operation?: { name: string; type: string; fields: string[] };
  recorded?: boolean;
  /** Set by the error formatter: the operation answered errors (and the first one's code). */
  hadErrors?: boolean;
  errorCode?: string;
}

export const KEY_HINT =
  'send Authorization: Bearer <key> or X-API-Key: <key> (subscriptions: in the connection_init payload)';

/** Throws UNAUTHENTICATED or FORBIDDEN unless the caller may do `what` (needs `access`). */
export function guard(ctx: GqlContext, access: Access, what: string): void {
  if (ctx.authError) throw ctx.authError;
  const p = ctx.principal;
  if (p.kind === 'anonymous' && ctx.authRequired && access !== 'public')
    throw gqlError('UNAUTHENTICATED', `an API key is required: ${KEY_HINT}`);
  if (!allows(p.role, access)) {
    const who = 'name' in p ? `key "${p.name}"` : 'this caller';
    throw gqlError(
      'FORBIDDEN',
      `${what} needs ${access} access (role ${minimumRole(access)} or higher); ${who} has role ${p.role}`,
      { requiredAccess: access, role: p.role },
    );
  }
}

/** A resolver that checks `access` first (the adapters' one shape for a guarded field). */
export type Resolver = (root: unknown, args: never, ctx: GqlContext) => Promise<unknown>;

export function guarded<A>(
  access: Access,
  what: string,
  fn: (args: A, ctx: GqlContext) => Promise<unknown>,
): Resolver {
  return async (_root: unknown, args: A, ctx: GqlContext) => {
    guard(ctx, access, what);
    return fn(args, ctx);
  };
}

/** Who the audit trail and the services name as the actor. */
export function actorOf(ctx: GqlContext): string {
  return 'name' in ctx.principal ? ctx.principal.name : 'anonymous';
}
