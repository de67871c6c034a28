// The contestants by name, each with the store it needs. Adapters load lazily, so a child process
// imports only its own library (a peer's process never loads Ratchet, nor Ratchet's a peer's).
import type { StoreKind } from './resources.ts';
import type { OpenContestant } from './scenarios.ts';

export interface Entry {
  store: StoreKind;
  load(): Promise<OpenContestant>;
}

export const CONTESTANTS: Readonly<Record<string, Entry>> = {
  'ratchet-sqlite': { store: 'sqlite', load: async () => (await import('./ratchet.ts')).openRatchet },
  'ratchet-postgres': { store: 'postgres', load: async () => (await import('./ratchet.ts')).openRatchet },
  graphile: { store: 'postgres', load: async () => (await import('./graphile.ts')).graphile(false) },
  'graphile-batched': { store: 'postgres', load: async () => (await import('./graphile.ts')).graphile(true) },
  pgboss: { store: 'postgres', load: async () => (await import('./pgboss.ts')).pgBoss(false) },
  'pgboss-batched': { store: 'postgres', load: async () => (await import('./pgboss.ts')).pgBoss(true) },
  bullmq: { store: 'redis', load: async () => (await import('./bullmq.ts')).openBullmq },
};

export const RATCHET_NAMES: readonly string[] = ['ratchet-sqlite', 'ratchet-postgres'];
