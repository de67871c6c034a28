// Roles and access levels: the one authorisation model shared by REST, GraphQL, MCP and the
// console (DESIGN.md §6). Kept below the adapters so services (API key creation) can validate a
// role without importing the server.

/** What a route or tool needs. `public` needs nothing (health, docs). */
export type Access = 'public' | 'read' | 'run' | 'write' | 'admin';

export type Role = 'viewer' | 'operator' | 'developer' | 'admin';

/** Who is calling: an API key (with its role) or, when auth is off, an anonymous admin. */
export type Principal =
  | { kind: 'key'; keyId: number; name: string; role: Role }
  // A client that presented mcp.authentication's token on /mcp.
  | { kind: 'token'; name: 'mcp-token'; role: 'admin' }
  | { kind: 'anonymous'; role: 'admin' };

/**
 * Each role and the access levels it grants:
 * - viewer: read anything;
 * - operator: + run (execute, cancel, retry, trigger);
 * - developer: + write (tasks, executions, jobs, schedules, repositories);
 * - admin: + admin (API keys, audit log).
 */
export const ROLES: Readonly<Record<Role, readonly Access[]>> = {
  viewer: ['public', 'read'],
  operator: ['public', 'read', 'run'],
  developer: ['public', 'read', 'run', 'write'],
  admin: ['public', 'read', 'run', 'write', 'admin'],
};

export const ROLE_NAMES = Object.keys(ROLES) as Role[];
export const ACCESS_LEVELS: readonly Access[] = ['public', 'read', 'run', 'write', 'admin'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(ROLES, value);
}

export function isAccess(value: unknown): value is Access {
  return typeof value === 'string' && (ACCESS_LEVELS as readonly string[]).includes(value);
}

/** True when `role` may use something that needs `access`; unknown roles get public only. */
export function allows(role: string, access: Access): boolean {
  if (access === 'public') return true;
  return isRole(role) && ROLES[role].includes(access);
}

/** The least-privileged role that grants `access` (for "needs … access" messages). */
export function minimumRole(access: Access): Role {
  return ROLE_NAMES.find((r) => ROLES[r].includes(access)) ?? 'admin';
}
