// The console's commands as a user types them, through the in-process client on a real SQLite
// store with a folder source: tables, --json, variables, errors with file:line, help suggestions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { writeTask } from '../registry/test-helpers/tasks.ts';
import { localSession } from './test-helpers/session.ts';

const TASKS = [
  {
    name: 'greet',
    version: '1.2.0',
    description: 'says hello',
    code: 'function main(i) { console.log("hi " + i.name); return { greeting: "hello " + i.name }; }',
  },
  { name: 'boom', code: 'function main() { throw new Error("kaput"); }' },
];

void test('repo, task, execution, job, server, db and stats commands in local mode', async () => {
  const t = await localSession(TASKS);
  try {
    let r = await t.run('repo refresh\nrepo list');
    assert.ok(r.ok, r.err);
    assert.match(r.out, /SOURCE\s+KIND\s+OK/);
    assert.match(r.out, /local\s+FILE\s+true/);
    assert.match(r.out, /NAME\s+KIND\s+URI\s+TASKS/);

    r = await t.run('task list');
    assert.match(r.out, /^ID\s+NAME\s+LATESTVERSION\s+ENABLED/m);
    assert.match(r.out, /greet\s+1\.2\.0\s+true\s+true\s+says hello/);

    r = await t.run(`task execute greet --input '{"name": "Ada"}'`);
    assert.ok(r.ok, r.err);
    assert.match(r.out, /status:\s+COMPLETED/);
    assert.match(r.out, /output:\s+\{"greeting":"hello Ada"\}/);

    r = await t.run('execution list --limit 5 --status completed --json');
    const page = JSON.parse(r.out) as { data: { id: number; status: string }[]; meta: { total: number } };
    assert.equal(page.meta.total, 1);
    r = await t.run(`execution logs ${page.data[0]!.id}`);
    assert.match(r.out, /hi Ada/);

    r = await t.run('job enqueue greet --input \'{"name":"Bo"}\'\njob list --status queued');
    assert.ok(r.ok, r.err);
    assert.match(r.out, /^ID\s+TASKID\s+STATUS/m);
    assert.match(r.out, /^1\s+\d+\s+QUEUED\s+NORMAL\s+0/m);
    const jobId = /^id:\s+(\d+)/m.exec(r.out)![1]!;
    r = await t.run(`job show ${jobId} --json\njob cancel ${jobId}`);
    assert.equal(
      (JSON.parse(r.out.slice(0, r.out.lastIndexOf('}') + 1).split('\nid:')[0]!) as { status: string })
        .status,
      'QUEUED',
    );
    assert.match(r.out, /status:\s+CANCELLED/);
    r = await t.run(`job retry ${jobId}`);
    assert.match(r.out, /status:\s+QUEUED/);

    r = await t.run('task disable greet\ntask execute greet --input {}');
    assert.equal(r.ok, false);
    assert.match(r.err, /^error: test\.rsh:2: .*disabled/m);
    r = await t.run('task enable greet\ntask versions greet');
    assert.match(r.out, /1\.2\.0/);

    r = await t.run('server status\nserver workers\nhealth\nstats --json\ndb status\ndb stats');
    assert.ok(r.ok, r.err);
    assert.match(r.out, /queue:\s+claiming/);
    assert.match(r.out, /status:\s+ok/);
    assert.match(r.out, /ok \(local\)/);
    assert.match(r.out, /database: sqlite:.*r\.db \(sqlite\)/);
    assert.match(r.out, /"tasks": \{/);

    // The queue as a whole: pause (shown by server status), resume, clear finished jobs, monitor.
    r = await t.run('job pause\nserver status\njob pause\njob resume\njob resume');
    assert.ok(r.ok, r.err);
    assert.match(r.out, /^queue paused: workers stop claiming within 0\.5 s$/m);
    assert.match(r.out, /^queue:\s+PAUSED/m);
    assert.match(r.out, /^queue already paused \(since .*, by console \(local\)\)$/m);
    assert.match(r.out, /^queue resumed/m);
    assert.match(r.out, /^queue already running/m);
    r = await t.run(`job clear --status cancelled\njob clear --status FAILED --older-than 7d\njob clear`);
    assert.ok(r.ok, r.err);
    assert.match(r.out, /^removed 0 CANCELLED job\(s\)$/m, 'the cancelled job was retried');
    assert.match(r.out, /^removed 0 FAILED job\(s\) finished before \d{4}-/m);
    r = await t.run('job clear --status queued');
    assert.match(r.err, /QUEUED jobs are not finished and cannot be cleared \(cancel them first\)/);
    r = await t.run('job clear --older-than soon');
    assert.match(r.err, /olderThan: "soon" is not a duration/);
    r = await t.run('monitor\nmonitor --json');
    assert.ok(r.ok, r.err);
    assert.match(r.out, /^depth\s+QUEUED 1 /m);
    assert.match(r.out, /^last 60 s\s+[\d.]+ jobs\/s\s+success 100\.0%\s+p50 \d+ ms\s+p99 \d+ ms$/m);
    assert.match(r.out, /"jobsPerSecond": /);

    // Sources: add a folder at run time (kept in the store, synced at once), verify them all.
    await writeTask(join(t.dir, 'more', 'hello'), { name: 'hello' });
    r = await t.run(`repo add more file://${join(t.dir, 'more')}\nrepo verify\ntask show hello`);
    assert.ok(r.ok, r.err);
    assert.match(r.out, /^more\s+FILE\s+true/m);
    assert.match(r.out, /^local\s+file\s+true\s+2/m);
    assert.match(r.out, /^more\s+file\s+true\s+1/m);
    r = await t.run(`repo add more file://${t.dir}\nrepo add gone file:///nonexistent/x`);
    assert.match(r.err, /a task source named "more" already exists/);
    r = await t.run('repo add gone file:///nonexistent/x');
    assert.match(r.err, /uri: \/nonexistent\/x is not a folder/);
  } finally {
    await t.close();
  }
});

void test('variables expand shell-style, in quoted JSON too; unknown ones warn, or fail under set -u', async () => {
  const t = await localSession(TASKS);
  try {
    await t.run('repo refresh');
    let r = await t.run(
      [
        'set TASK = greet',
        'set WHO = Ada',
        'set BASE_URL = ${ENV:API_BASE_URL:-http://localhost:8080}',
        'set OTHER = ${ENV:NOPE_NOT_SET:-http://localhost:8080}',
        'set FLAG = ${WHO:+yes}',
        'set PRICE = \\$5',
        `task execute \${TASK:-default-task} --input '{"name": "$WHO"}'`,
        'vars',
      ].join('\n'),
    );
    assert.ok(r.ok, r.err);
    assert.match(r.out, /hello Ada/);
    assert.match(r.out, /^BASE_URL=http:\/\/api\.test$/m);
    assert.match(r.out, /^OTHER=http:\/\/localhost:8080$/m);
    assert.match(r.out, /^FLAG=yes$/m);
    assert.match(r.out, /^PRICE=\$5$/m);

    r = await t.run('unset WHO\ntask execute greet --input \'{"name": "$WHO"}\'');
    assert.match(r.err, /warning: test\.rsh:2: unknown variable WHO \(expanded to empty/);
    assert.match(r.out, /hello /);
    r = await t.run('set -u\ntask execute greet --input \'{"name": "$WHO"}\'');
    assert.equal(r.ok, false);
    assert.match(r.err, /error: test\.rsh:2: unknown variable WHO \(set -u is on/);
  } finally {
    await t.close();
  }
});

void test('bad input: unknown commands suggest the nearest, wrong arguments show usage, JSON errors say where', async () => {
  const t = await localSession(TASKS);
  try {
    let r = await t.run('tsk list');
    assert.match(r.err, /error: test\.rsh:1: unknown command 'tsk' \(did you mean 'task'\?\)/);
    r = await t.run('task show');
    assert.match(r.err, /wrong number of arguments\nusage:\n {2}task show ID/);
    r = await t.run('job frobnicate');
    assert.match(
      r.err,
      /job has no subcommand 'frobnicate'\nusage:\n[\s\S]*job enqueue TASK \[--input JSON\]/,
    );
    r = await t.run('task execute greet --input \'{"name" 1}\'');
    assert.match(r.err, /--input is not valid JSON: .*position 8/);
    r = await t.run('task list --bogus 1');
    assert.match(r.err, /unknown option --bogus/);
    r = await t.run('task show nope');
    assert.match(r.err, /error: test\.rsh:1: .*nope/);
    r = await t.run('help tsk');
    assert.match(r.err, /no command 'tsk' \(did you mean 'task'\?\)/);
    r = await t.run('help job');
    assert.match(r.out, /job cancel ID\s+cancel a queued or running job/);
    // A failing line stops the script; the lines after it do not run.
    r = await t.run('tsk\nset AFTER = 1\n');
    assert.equal(r.ok, false);
    assert.equal(t.session.vars.get('AFTER'), undefined);
  } finally {
    await t.close();
  }
});
