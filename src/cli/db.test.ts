import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanEnv, runCli } from './test-helpers/cli-process.ts';
import { createTempPgDatabase } from '../store/test-helpers/backends.ts';
import { MIGRATIONS } from '../store/migrations/index.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ratchet-cli-db-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const names = Object.keys(MIGRATIONS);

void describe('ratchet db (SQLite file from RATCHET_DATABASE_URL)', () => {
  const env = () => cleanEnv({ RATCHET_DATABASE_URL: 'sqlite://./data/r.db' });
  const cli = (args: string[]) => runCli(args, { cwd: dir, env: env() });
  const url = () => `sqlite://${join(dir, 'data/r.db')}`;

  void it('status lists pending migrations before the first migrate; stats refuses', async () => {
    const status = await cli(['db', 'status']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(
      status.stdout,
      `database: ${url()} (sqlite)\n${names.map((n) => `  pending  ${n}\n`).join('')}${names.length} pending: run \`ratchet db migrate\`\n`,
    );
    const stats = await cli(['db', 'stats']);
    assert.equal(stats.code, 1);
    assert.match(stats.stderr, /has no Ratchet tables yet; run `ratchet db migrate`/);
  });

  void it('migrate applies, then is a no-op', async () => {
    const first = await cli(['db', 'migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `database: ${url()} (sqlite)\n${names.map((n) => `applied ${n}\n`).join('')}`);
    const again = await cli(['db', 'migrate', '--json']);
    assert.deepEqual(JSON.parse(again.stdout), { database: url(), dialect: 'sqlite', applied: [] });
  });

  void it('status --json and stats --json after migrating', async () => {
    const status = JSON.parse((await cli(['db', 'status', '--json'])).stdout) as {
      migrations: { name: string; applied: boolean; appliedAt: string }[];
    };
    assert.deepEqual(
      status.migrations.map((m) => [m.name, m.applied]),
      names.map((n) => [n, true]),
    );
    const stats = await cli(['db', 'stats', '--json']);
    assert.equal(stats.code, 0, stats.stderr);
    const parsed = JSON.parse(stats.stdout) as { tables: Record<string, number>; sizeBytes: number };
    assert.equal(parsed.tables.tasks, 0);
    assert.equal(parsed.tables.executions, 0);
    assert.ok(parsed.sizeBytes > 0);
    const human = await cli(['db', 'stats']);
    assert.match(human.stdout, /^ {2}task_versions +0$/m);
    assert.match(human.stdout, /^size: .+ \(\d+ bytes\)$/m);
  });
});

void describe('ratchet db against PostgreSQL', () => {
  void it('migrates and reports a masked URL', async () => {
    const temp = await createTempPgDatabase();
    try {
      const withPassword = temp.url.replace('postgres@', 'postgres:hunter2@');
      const env = cleanEnv({ RATCHET_DATABASE_URL: withPassword });
      const migrate = await runCli(['db', 'migrate'], { cwd: dir, env });
      assert.equal(migrate.code, 0, migrate.stderr);
      assert.doesNotMatch(migrate.stdout, /hunter2/);
      // The admin server's host and port: 127.0.0.1:5432, or the throwaway cluster `npm test` started.
      const server = new URL(temp.url).host.replace(/\./g, '\\.');
      assert.match(
        migrate.stdout,
        new RegExp(`postgres:\\*\\*\\*@${server}/ratchet_test_\\w+ \\(postgres\\)`),
      );
      const status = JSON.parse((await runCli(['db', 'status', '--json'], { cwd: dir, env })).stdout) as {
        dialect: string;
        migrations: { applied: boolean }[];
      };
      assert.equal(status.dialect, 'postgres');
      assert.ok(status.migrations.every((m) => m.applied));
    } finally {
      await temp.drop();
    }
  });

  void it('an unreachable server is one clear line and exit 1', async () => {
    const env = cleanEnv({ RATCHET_DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/x' });
    const r = await runCli(['db', 'status'], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error: cannot connect to PostgreSQL at postgres://u:***@127.0.0.1:1/x: connect ECONNREFUSED 127.0.0.1:1\n',
    );
  });
});
