// How `npm test` finds PostgreSQL (test/helpers/with-postgres.ts), run as a child process the way
// the npm script runs it. The "nobody answers" cases point RATCHET_TEST_PG_URL at a port where
// nothing listens, so the machine's own server is never stopped or touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PG_ADMIN_URL } from '../src/store/test-helpers/temp-db.ts';
import { ROOT } from './helpers/cli.ts';

const WRAPPER = join(ROOT, 'test', 'helpers', 'with-postgres.ts');

/** The command under the wrapper: connects where it is told, prints what it found, exits 3. */
const PROBE = `
const pg = require('pg');
(async () => {
  const client = new pg.Client({ connectionString: process.env.RATCHET_TEST_PG_URL });
  await client.connect();
  const { rows } = await client.query("select current_setting('data_directory') as dir");
  await client.end();
  console.log(JSON.stringify({ url: process.env.RATCHET_TEST_PG_URL, dir: rows[0].dir }));
  process.exit(3);
})();`;

function withPostgres(
  env: NodeJS.ProcessEnv,
  command: string[] = [process.execPath, '-e', PROBE],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRAPPER, ...command], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A loopback port nobody listens on (taken and released). */
function silentPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

test('a PostgreSQL that answers is used as it is', async () => {
  const r = await withPostgres({ RATCHET_TEST_PG_URL: PG_ADMIN_URL });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(JSON.parse(r.stdout).url, PG_ADMIN_URL);
  assert.equal(r.stderr, '');
});

test('when none answers, a throwaway cluster serves the command and is removed afterwards', async () => {
  const silent = `postgres://postgres@127.0.0.1:${await silentPort()}/postgres`;
  const r = await withPostgres({ RATCHET_TEST_PG_URL: silent });
  assert.equal(r.code, 3, `the command's exit code is the run's\n${r.stderr}`);
  const seen = JSON.parse(r.stdout) as { url: string; dir: string };
  assert.notEqual(seen.url, silent);
  assert.match(seen.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
  assert.ok(seen.dir.startsWith(tmpdir()), seen.dir);
  assert.match(r.stderr, /no PostgreSQL answers at .*: using a throwaway cluster at postgres:/);
  // Gone afterwards: its folder, and the server (nothing accepts connections there any more).
  assert.equal(existsSync(seen.dir), false, `${seen.dir} was removed`);
  const client = new pg.Client({ connectionString: seen.url, connectionTimeoutMillis: 5000 });
  await assert.rejects(client.connect(), /ECONNREFUSED/);
});

test('with no server and no server binaries it stops at once, in one line, without running the command', async () => {
  const silent = `postgres://postgres@127.0.0.1:${await silentPort()}/postgres`;
  const emptyBin = await mkdtemp(join(tmpdir(), 'ratchet-no-pg-'));
  try {
    const marker = join(emptyBin, 'ran');
    const r = await withPostgres({ RATCHET_TEST_PG_URL: silent, RATCHET_TEST_PG_BIN: emptyBin }, [
      process.execPath,
      '-e',
      `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`,
    ]);
    assert.equal(r.code, 1);
    assert.equal(existsSync(marker), false, 'the command did not run');
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^npm test: no PostgreSQL answers at .* server binaries \(initdb, pg_ctl\) are not installed: install PostgreSQL \(Debian\/Ubuntu: apt-get install postgresql\) or set RATCHET_TEST_PG_URL/,
    );
  } finally {
    await rm(emptyBin, { recursive: true, force: true });
  }
});
