// /db (admin): the database behind the server: status with each migration, migrate, and row
// counts with the size. The console's `db` commands use these when connected over HTTP.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { databaseStats, databaseStatus, migrateDatabase } from '../../services/database.ts';
import { emptyBodyAsObject, type RestOptions } from './common.ts';
import { dataOf, routeSchema } from './schema.ts';

const tags = ['admin'];
const Status = z.object({
  database: z.string(),
  dialect: z.string(),
  migrations: z.array(z.object({ name: z.string(), applied: z.boolean() })),
});
const Stats = z.object({
  dialect: z.string(),
  url: z.string(),
  tables: z.record(z.string(), z.number()),
  sizeBytes: z.number(),
});

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/db/status',
    {
      config: { access: 'admin' },
      schema: routeSchema({
        tags,
        summary: 'The database in use (password masked) and each migration, applied or pending',
        response: dataOf(Status),
      }),
    },
    async () => ({ data: await databaseStatus(app) }),
  );
  server.post(
    '/db/migrate',
    {
      config: { access: 'admin' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Apply pending migrations; answers the names applied',
        response: dataOf(z.object({ applied: z.array(z.string()) })),
      }),
    },
    async () => ({ data: { applied: await migrateDatabase(app) } }),
  );
  server.get(
    '/db/stats',
    {
      config: { access: 'admin' },
      schema: routeSchema({ tags, summary: 'Rows per table and the database size', response: dataOf(Stats) }),
    },
    async () => ({ data: await databaseStats(app) }),
  );
};

export default plugin;
