// Serialisation, path templates and stdio rendering, without a database.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { ExecutionRecord } from '../store/repos/executions.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import { parseDestination, parseDestinations, redactDestination } from './destinations.ts';
import type { FilesystemDestination, StdioDestination } from './destinations.ts';
import { deliverToFile, renderPath } from './filesystem.ts';
import { formatCsv } from './payload.ts';
import type { JobDeliveryContext } from './payload.ts';
import { deliverToStdio } from './stdio.ts';

function ctx(output: unknown, over: Partial<JobDeliveryContext> = {}): JobDeliveryContext {
  const job = { id: 42, uuid: 'u-1', taskId: 7, scheduleId: null, attempts: 1, lastError: null } as JobRecord;
  const execution = { id: 9, uuid: 'e-1', attempt: 1, output, error: null } as unknown as ExecutionRecord;
  return { job, execution, status: 'COMPLETED', taskName: 'report', ...over };
}

const fsDest = (d: Record<string, unknown>): FilesystemDestination =>
  parseDestination({ type: 'filesystem', ...d }) as FilesystemDestination;

void test('csv: flat objects become header + rows with RFC 4180 quoting; other shapes one value column', () => {
  assert.equal(
    formatCsv([
      { name: 'a,b', n: 1 },
      { name: 'say "hi"', extra: true },
      { name: 'two\nlines', n: null },
    ]),
    'name,n,extra\r\n"a,b",1,\r\n"say ""hi""",,true\r\n"two\nlines",,\r\n',
  );
  assert.equal(formatCsv({ total: 3 }), 'value\r\n"{""total"":3}"\r\n');
  assert.equal(formatCsv([{ nested: { x: 1 } }]), 'value\r\n"[{""nested"":{""x"":1}}]"\r\n');
  assert.equal(formatCsv([]), 'value\r\n[]\r\n');
});

void test('path templates: every variable, unknown variables, and no escape from the base', () => {
  const now = new Date('2030-05-06T07:08:09.010Z');
  const vars = {
    task_name: '../../etc/passwd',
    job_id: '42',
    timestamp: now.toISOString().replace(/:/g, '-'),
    date: '2030-05-06',
  };
  // A variable's value is one segment: separators and dot-only names are neutralised.
  assert.equal(
    renderPath('out/{{task_name}}/{{job_id}}.json', vars, '/base'),
    '/base/out/.._.._etc_passwd/42.json',
  );
  assert.equal(
    renderPath('/abs/{{date}}/{{ timestamp }}.json', vars, '/base'),
    '/abs/2030-05-06/2030-05-06T07-08-09.010Z.json',
  );
  assert.throws(
    () => renderPath('out/{{nope}}.json', vars, '/b'),
    /unknown variable \{\{nope\}\} \(known: task_name/,
  );
  assert.throws(() => renderPath('out/{{job_id}}/../../x.json', vars, '/b'), /escapes \/b\/out/);
  assert.throws(() => renderPath('out/{{job_id', vars, '/b'), /unbalanced/);
  assert.equal(renderPath('{{job_id}}.json', vars, '/b'), '/b/42.json');
});

void test('filesystem delivery writes json, yaml and csv atomically with permissions', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-fs-'));
  try {
    const now = new Date('2030-05-06T07:08:09.010Z');
    const rows = [
      { city: 'Oslo', temp: -3 },
      { city: 'Rome, IT', temp: 14 },
    ];
    const json = await deliverToFile(
      fsDest({ path: 'out/{{task_name}}/{{job_id}}-{{timestamp}}.json' }),
      ctx(rows),
      {
        baseDir: dir,
        now,
      },
    );
    assert.equal(json.path, join(dir, 'out/report/42-2030-05-06T07-08-09.010Z.json'));
    assert.deepEqual(JSON.parse(await readFile(json.path, 'utf8')), rows);

    const yaml = await deliverToFile(
      fsDest({
        path: 'out/{{date}}/{{execution_id}}.yaml',
        format: 'yaml',
        includeMetadata: true,
        permissions: '600',
      }),
      ctx(rows),
      { baseDir: dir, now },
    );
    const doc = parseYaml(await readFile(yaml.path, 'utf8')) as Record<string, unknown>;
    assert.equal(doc.status, 'COMPLETED');
    assert.deepEqual(doc.output, rows);
    assert.deepEqual(doc.task, { id: 7, name: 'report' });
    assert.equal((await stat(yaml.path)).mode & 0o777, 0o600);

    const csv = await deliverToFile(fsDest({ path: 'out/rows.csv', format: 'csv' }), ctx(rows), {
      baseDir: dir,
    });
    assert.equal(await readFile(csv.path, 'utf8'), 'city,temp\r\nOslo,-3\r\n"Rome, IT",14\r\n');
    // Replacing a file goes through rename: no temporary files are left behind.
    await deliverToFile(fsDest({ path: 'out/rows.csv', format: 'csv' }), ctx([{ a: 1 }]), { baseDir: dir });
    assert.equal(await readFile(csv.path, 'utf8'), 'a\r\n1\r\n');
    assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['2030-05-06', 'report', 'rows.csv']);

    await assert.rejects(
      deliverToFile(fsDest({ path: 'out/rows.csv', overwrite: false }), ctx(1), { baseDir: dir }),
      /already exists and overwrite is false/,
    );
    assert.equal(await readFile(csv.path, 'utf8'), 'a\r\n1\r\n');
    assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['2030-05-06', 'report', 'rows.csv']);

    // A file where a directory must go: the error names the path, nothing is written.
    await writeFile(join(dir, 'blocker'), 'x');
    await assert.rejects(
      deliverToFile(fsDest({ path: 'blocker/{{job_id}}.json' }), ctx(1), { baseDir: dir }),
      /blocker/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('stdio delivery: stream, format, prefix and metadata', () => {
  const out: string[] = [];
  const err: string[] = [];
  const streams = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
  };
  const dest = (d: Record<string, unknown>): StdioDestination =>
    parseDestination({ type: 'stdio', ...d }) as StdioDestination;
  deliverToStdio(dest({}), ctx({ a: 1 }), streams);
  deliverToStdio(dest({ stream: 'stderr', format: 'yaml', prefix: '[r] ' }), ctx({ a: 1, b: [2] }), streams);
  deliverToStdio(dest({ format: 'text' }), ctx('plain words'), streams);
  deliverToStdio(dest({ includeMetadata: true }), ctx(5), streams);
  assert.equal(out[0], '{"a":1}\n');
  assert.equal(err[0], '[r] a: 1\n[r] b:\n[r]   - 2\n');
  assert.equal(out[1], 'plain words\n');
  const meta = JSON.parse(out[2]!) as Record<string, unknown>;
  assert.equal(meta.output, 5);
  assert.deepEqual(meta.job, { id: 42, uuid: 'u-1', scheduleId: null, attempts: 1 });
  // A failed job has no output: the envelope carries the error instead.
  deliverToStdio(dest({}), ctx(null, { status: 'FAILED' }), streams);
  assert.equal((JSON.parse(out[3]!) as { event: string }).event, 'job.failed');
});

void test('destination parsing names the path; redaction hides every credential', () => {
  assert.throws(
    () =>
      parseDestinations([
        { type: 'stdio' },
        { type: 'webhook', url: 'http://h/x', retryPolicy: { maxAttempts: 0 } },
      ]),
    /outputDestinations\[1\]\.retryPolicy\.maxAttempts: Too small/,
  );
  assert.throws(() => parseDestinations({}), /outputDestinations: must be an array/);
  assert.throws(() => parseDestinations([{ type: 'ftp' }]), /outputDestinations\[0\]\.type/);
  assert.throws(
    () => parseDestinations([{ type: 'stdio', colour: true }]),
    /outputDestinations\[0\].*colour/,
  );
  const webhook = parseDestination({
    type: 'webhook',
    url: 'https://h/x',
    headers: { 'X-Trace': 'keep', Authorization: 'Bearer s1' },
    secret: 's2',
    authentication: { basic: { username: 'u', password: 's3' } },
  });
  const shown = JSON.stringify(redactDestination(webhook));
  for (const secret of ['s1', 's2', 's3']) assert.ok(!shown.includes(`"${secret}"`), shown);
  assert.ok(shown.includes('"keep"') && shown.includes('"username":"u"'));
});
