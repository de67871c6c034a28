// .runcept.toml as users write it: the brief's example parses unchanged; every mistake names the
// file, line, column and key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, parseProject, ProjectFileError } from './project.ts';

// The brief's example, verbatim.
const BRIEF = `[project]
name = "my-web-app"
description = "Development environment for web application"
inactivity_timeout = "30m"  # Auto-shutdown after 30 minutes of inactivity
working_dir = "."           # Base working directory for all processes

[[process]]
name = "web-server"
command = "python manage.py runserver"
working_dir = "."
env = { DEBUG = "true", PORT = "8000" }
auto_restart = true
health_check = "http://localhost:8000/health"
health_check_interval = "30s"
depends_on = ["database"]

[[process]]
name = "database"
command = "postgres -D /usr/local/var/postgres"
working_dir = "."
auto_restart = true
health_check = "tcp://localhost:5432"

[[process]]
name = "redis"
command = "redis-server"
working_dir = "."
auto_restart = true
health_check = "tcp://localhost:6379"

[[process]]
name = "worker"
command = "celery worker -A app.celery"
working_dir = "."
depends_on = ["redis", "database"]
auto_restart = true
`;
const FILE = '/srv/app/.runcept.toml';

function issueOf(text: string): string {
  try {
    parseProject(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ProjectFileError);
    return err.message;
  }
  assert.fail('expected a ProjectFileError');
}

test('the brief example parses, in dependency order, with its keys', () => {
  const p = parseProject(BRIEF, FILE);
  assert.equal(p.name, 'my-web-app');
  assert.equal(p.inactivityTimeoutMs, 30 * 60_000);
  assert.deepEqual(
    p.processes.map((x) => x.name),
    ['database', 'web-server', 'redis', 'worker'],
  );
  const web = p.processes.find((x) => x.name === 'web-server')!;
  assert.deepEqual(web.env, { DEBUG: 'true', PORT: '8000' });
  assert.deepEqual(web.healthCheck, { kind: 'http', url: 'http://localhost:8000/health' });
  assert.equal(web.healthCheckIntervalMs, 30_000);
  assert.equal(web.workingDir, '/srv/app');
  assert.deepEqual(p.processes[0]!.healthCheck, { kind: 'tcp', host: 'localhost', port: 5432 });
});

test('mistakes name file:line:column and key, with a suggestion for unknown keys', () => {
  assert.equal(
    issueOf(BRIEF.replace('health_check_interval', 'helth_check_interval')),
    `${FILE}:14:1: process[0].helth_check_interval: unknown key; did you mean "health_check_interval"?`,
  );
  assert.match(
    issueOf(BRIEF.replace('"30m"', '"half an hour"')),
    /^\/srv\/app\/\.runcept\.toml:4:1: project\.inactivity_timeout: "half an hour" is not a duration/,
  );
  assert.match(
    issueOf(BRIEF.replace('auto_restart = true', 'auto_restart = "yes"')),
    /:12:1: process\[0\]\.auto_restart: expected true, false or "always", got "yes"/,
  );
  assert.match(issueOf(`${BRIEF}\nbroken = [`), /^\/srv\/app\/\.runcept\.toml:38:10: unfinished array/);
  assert.match(issueOf(BRIEF.replace('name = "redis"\n', '')), /:24:1: process\[2\]\.name: is required/);
  assert.match(
    issueOf(BRIEF.replace('"tcp://localhost:6379"', '"tcp://localhost"')),
    /write a TCP check as tcp:\/\/host:port/,
  );
});

test('depends_on: unknown names and cycles are refused', () => {
  assert.match(
    issueOf(BRIEF.replace('["redis", "database"]', '["redis", "postgres"]')),
    /:35:1: process\[3\]\.depends_on: "worker" depends on "postgres", which is not a process here/,
  );
  const cyclic = BRIEF.replace(
    'health_check = "tcp://localhost:5432"',
    'health_check = "tcp://localhost:5432"\ndepends_on = ["worker"]',
  );
  assert.match(
    issueOf(cyclic),
    /depends_on forms a cycle: web-server → database → worker → database|cycle: .*database.*worker/,
  );
});

test('a missing file is an error naming it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runcept-'));
  try {
    await assert.rejects(
      loadProject(dir),
      (err: Error) => err.message === `${join(dir, '.runcept.toml')}:1:1: no .runcept.toml here`,
    );
    await writeFile(join(dir, '.runcept.toml'), '[project]\nname = "x"\n');
    await assert.rejects(loadProject(dir), /no \[\[process\]\] tables: nothing to run/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
