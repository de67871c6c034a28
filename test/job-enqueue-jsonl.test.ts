// `ratchet job enqueue TASK --input-file items.jsonl` through the built CLI on both engines: one
// job per line in one transaction, a refused line named by its line number with nothing queued,
// --partial, a malformed line named by line and column, and the flags that do not apply refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/test-helpers/cli-process.ts';
import { createTempDatabase } from '../src/store/test-helpers/temp-db.ts';
import { SAMPLES } from './helpers/cli.ts';

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`job enqueue --input-file items.jsonl queues one job per line [${dialect}]`, async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'ratchet-jsonl-'));
    const db = await createTempDatabase(dialect);
    try {
      const env = { RATCHET_DATABASE_URL: db.url };
      const cli = (...args: string[]) => runCli(args, { cwd, env });
      await cp(join(SAMPLES, 'addition'), join(cwd, 'tasks', 'addition'), { recursive: true });
      assert.equal((await cli('repo', 'sync')).code, 0);
      await writeFile(
        join(cwd, 'items.jsonl'),
        '{"num1": 1, "num2": 2}\n\n{"num1": 3, "num2": 4}\n{"num1": "x", "num2": 4}\n',
      );
      const refused = await cli('job', 'enqueue', 'addition', '--input-file', 'items.jsonl');
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(
        refused.stderr,
        /1 of 3 jobs are invalid; none was queued \(--partial queues the valid ones\)/,
      );
      assert.match(refused.stderr, /items\.jsonl:4: \$\.input\.num1 must be number \(got string\)/);
      assert.equal(JSON.parse((await cli('job', 'list', '--json')).stdout).length, 0);

      const partial = await cli(
        'job',
        'enqueue',
        'addition',
        '--input-file',
        'items.jsonl',
        '--partial',
        '--json',
      );
      assert.equal(partial.code, 1, partial.stderr);
      const result = JSON.parse(partial.stdout) as {
        created: number;
        jobs: { line: number }[];
        rejected: { line: number }[];
      };
      assert.equal(result.created, 2);
      assert.deepEqual(
        result.jobs.map((j) => j.line),
        [1, 3],
      );
      assert.deepEqual(
        result.rejected.map((r) => r.line),
        [4],
      );

      await writeFile(join(cwd, 'good.jsonl'), '{"num1": 5, "num2": 6}\n{"num1": 7, "num2": 8}\n');
      const ok = await cli('job', 'enqueue', 'addition', '--input-file', 'good.jsonl', '--priority', 'high');
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout.trim().split('\n').length, 2, 'one job id per line');
      assert.match(ok.stderr, /queued 2 jobs from good\.jsonl/);
      const listed = JSON.parse((await cli('job', 'list', '--json')).stdout) as { priority: number }[];
      assert.deepEqual(
        listed.map((j) => j.priority),
        [10, 10, 5, 5],
        'the flags apply to every line',
      );

      await writeFile(join(cwd, 'bad.jsonl'), '{"num1": 1, "num2": 2}\n{"num1": 3,, "num2": 4}\n');
      const bad = await cli('job', 'enqueue', 'addition', '--input-file', 'bad.jsonl');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /bad\.jsonl:2:12: invalid JSON/);
      const wait = await cli('job', 'enqueue', 'addition', '--input-file', 'good.jsonl', '--wait');
      assert.equal(wait.code, 2);
      assert.match(wait.stderr, /one job per line: --wait, --idempotency-key and --input-json do not apply/);
    } finally {
      await db.drop();
      await rm(cwd, { recursive: true, force: true });
    }
  });
}
