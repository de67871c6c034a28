// `repo add|verify`: adding a task source at run time (admin; kept in the store and synced at
// once) and checking each source is reachable with every task loading.
import type { Args } from './args.ts';
import type { CommandContext, Sub } from './commands.ts';
import { json, table } from './format.ts';

function show(c: CommandContext, a: Args, value: unknown, print: () => void): void {
  if (a.json) json(c.out, value);
  else print();
}

export const REPO_ADMIN: Record<string, Sub> = {
  add: {
    usage: 'repo add NAME URI',
    summary: 'add a task source (a folder or git URL; kept in the store) and sync it (admin)',
    arity: 2,
    run: async (a, c) => {
      const r = await c.client.addRepository(a.pos[0]!, a.pos[1]!);
      show(c, a, r, () => table(c.out, [r], ['source', 'kind', 'ok', 'error']));
      if (r.ok === false) throw new Error(`source ${a.pos[0]} was added but did not sync cleanly`);
    },
  },
  verify: {
    usage: 'repo verify [NAME]',
    summary: 'check each task source is reachable and every task in it loads',
    run: async (a, c) => {
      const rs = await c.client.verifyRepositories(a.pos[0]);
      const rows = rs.map((r) => ({
        ...r,
        tasks: (r.tasks as unknown[]).length,
        failed: (r.failed as { path: string }[]).map((f) => f.path).join(', '),
      }));
      show(c, a, rs, () => table(c.out, rows, ['source', 'kind', 'ok', 'tasks', 'failed', 'error']));
      if (rs.some((r) => r.ok === false)) throw new Error('a task source failed verification');
    },
  },
};
