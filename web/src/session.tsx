// Who the tab is signed in as: GET /api/v1/whoami answers whether the server needs a key and the
// role of the key presented. `can(access)` hides what the role may not do (the server still checks).
import { createContext, useContext } from 'react';

export type Access = 'read' | 'run' | 'write' | 'admin';
export type Role = 'viewer' | 'operator' | 'developer' | 'admin';

export interface WhoAmI {
  authRequired: boolean;
  principal: { kind: string; name?: string; role: Role } | null;
}

const GRANTS: Record<Role, readonly Access[]> = {
  viewer: ['read'],
  operator: ['read', 'run'],
  developer: ['read', 'run', 'write'],
  admin: ['read', 'run', 'write', 'admin'],
};

export function roleAllows(role: Role | undefined, access: Access): boolean {
  return role !== undefined && (GRANTS[role]?.includes(access) ?? false);
}

export interface Session {
  who: WhoAmI;
  can: (access: Access) => boolean;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <SessionContext.Provider>');
  return s;
}
