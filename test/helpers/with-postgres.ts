// `npm test` runs through this: `node test/helpers/with-postgres.ts <command…>`. The storage tests
// need a PostgreSQL server (RATCHET_TEST_PG_URL, default postgres@127.0.0.1:5432). When none
// answers there and the server binaries are installed (initdb, pg_ctl), it starts a throwaway
// cluster in a temporary folder on a free port, runs the command against it and removes it
// afterwards; with neither it stops at once with one line saying what to install or set.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const say = (line: string): void => void process.stderr.write(`npm test: ${line}\n`);

/** Undefined when a query goes through, else why not. */
async function whyUnusable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface ServerBinaries {
  dir: string;
  initdb: string;
  pgCtl: string;
}

/** Folders that may hold initdb and pg_ctl: RATCHET_TEST_PG_BIN alone when set, else PATH and the
 * usual install places (Debian's /usr/lib/postgresql/<version>/bin, newest first). */
function candidateFolders(env: NodeJS.ProcessEnv): string[] {
  if (env.RATCHET_TEST_PG_BIN !== undefined) return [env.RATCHET_TEST_PG_BIN];
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  return [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...debian, '/usr/local/pgsql/bin'];
}

function serverBinaries(env: NodeJS.ProcessEnv): ServerBinaries | undefined {
  for (const dir of candidateFolders(env)) {
    const initdb = join(dir, 'initdb');
    const pgCtl = join(dir, 'pg_ctl');
    if (existsSync(initdb) && existsSync(pgCtl)) return { dir, initdb, pgCtl };
  }
  return undefined;
}

/** initdb refuses to run as root: then the cluster belongs to the system's `postgres` user. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('initdb cannot run as root and there is no `postgres` user to run it as');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function run(command: string, args: string[], opts: SpawnOptions): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

interface Cluster {
  url: string;
  folder: string;
  stop(): Promise<void>;
}

async function startThrowawayCluster(bins: ServerBinaries): Promise<Cluster> {
  const owner = clusterOwner();
  const folder = await mkdtemp(join(tmpdir(), 'ratchet-test-pg-'));
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  const as: SpawnOptions = { ...owner, cwd: folder };
  const fail = async (step: string, output: string): Promise<never> => {
    const tail = (await readFile(log, 'utf8').catch(() => output)).trim().split('\n').at(-1);
    await rm(folder, { recursive: true, force: true });
    throw new Error(`${step} failed: ${tail ?? output.trim()}`);
  };
  if (owner) await chown(folder, owner.uid, owner.gid);
  const init = await run(
    bins.initdb,
    ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'],
    as,
  );
  if (init.code !== 0) await fail('initdb', init.output);
  const port = await freePort();
  // Unix socket in the cluster's own folder, TCP on loopback only; durability is not needed.
  const serverOptions = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = await run(
    bins.pgCtl,
    ['-D', data, '-l', log, '-o', serverOptions, '-w', '-t', '60', 'start'],
    as,
  );
  if (start.code !== 0) await fail('pg_ctl start', start.output);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    folder,
    async stop() {
      await run(bins.pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], as);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

// From the first moment, a stop signal (Ctrl-C) must not kill us before the cluster is removed:
// it goes to the command when one runs, and otherwise cancels the run.
let command: ChildProcess | undefined;
let stopSignal: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    stopSignal = signal;
    command?.kill(signal);
  });
}

/** Runs the command with inherited stdio and resolves with its exit code. */
function runCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (stopSignal !== undefined) return Promise.resolve(1);
  return new Promise((resolve) => {
    command = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env });
    command.on('error', (err) => {
      say(`cannot start ${argv[0]!}: ${err.message}`);
      resolve(1);
    });
    command.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    say('usage: node test/helpers/with-postgres.ts <command> [args…]');
    return 2;
  }
  const url = process.env.RATCHET_TEST_PG_URL ?? DEFAULT_URL;
  const why = await whyUnusable(url);
  if (why === undefined) return runCommand(argv, process.env);
  const bins = serverBinaries(process.env);
  if (bins === undefined) {
    say(
      `no PostgreSQL answers at ${url} (${why}) and its server binaries (initdb, pg_ctl) are not ` +
        'installed: install PostgreSQL (Debian/Ubuntu: apt-get install postgresql) or set ' +
        'RATCHET_TEST_PG_URL to the admin URL of a server that runs',
    );
    return 1;
  }
  let cluster: Cluster;
  try {
    cluster = await startThrowawayCluster(bins);
  } catch (err) {
    say(
      `no PostgreSQL answers at ${url} and a throwaway cluster (${bins.dir}) did not start: ${(err as Error).message}`,
    );
    return 1;
  }
  say(
    `no PostgreSQL answers at ${url}: using a throwaway cluster at ${cluster.url} (${cluster.folder}, removed afterwards)`,
  );
  try {
    return await runCommand(argv, { ...process.env, RATCHET_TEST_PG_URL: cluster.url });
  } finally {
    await cluster.stop();
  }
}

process.exitCode = await main(process.argv.slice(2));
