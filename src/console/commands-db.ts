// `db status|migrate|stats` (admin): the database behind the connection, in-process or through
// the REST API's /db endpoints.
import type { Args } from './args.ts';
import type { CommandContext, Sub } from './commands.ts';
import { json, keyValues, table } from './format.ts';

type Row = Record<string, unknown>;

function show(c: CommandContext, a: Args, value: unknown, print: () => void): void {
  if (a.json) json(c.out, value);
  else print();
}

export const DB_COMMANDS: Record<string, Sub> = {
  status: {
    usage: 'db status',
    summary: 'the database in use (password masked) and each migration (admin)',
    arity: 0,
    run: async (a, c) => {
      const s = await c.client.dbStatus();
      show(c, a, s, () => {
        c.out.write(`database: ${s.database} (${s.dialect})\n`);
        table(c.out, s.migrations, ['name', 'applied']);
      });
    },
  },
  migrate: {
    usage: 'db migrate',
    summary: 'apply pending migrations (admin)',
    arity: 0,
    run: async (a, c) => {
      const applied = await c.client.dbMigrate();
      show(c, a, applied, () =>
        c.out.write(applied.length === 0 ? 'up to date\n' : `applied ${applied.join(', ')}\n`),
      );
    },
  },
  stats: {
    usage: 'db stats',
    summary: 'row counts per table and database size (admin)',
    arity: 0,
    run: async (a, c) => {
      const s = await c.client.dbStats();
      show(c, a, s, () => keyValues(c.out, { ...(s.tables as Row), sizeBytes: s.sizeBytes }));
    },
  },
};
