// `ratchet schedule …` through the built CLI, against SQLite and PostgreSQL (RATCHET_DATABASE_URL).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIALECTS, createTempDatabase } from '../store/test-helpers/backends.ts';
import { seedAddition } from '../services/scheduling/test-app.ts';
import { cleanEnv, runCli } from './test-helpers/cli-process.ts';

for (const dialect of DIALECTS) {
  void test(`ratchet schedule create/list/trigger/enable/disable/delete [${dialect}]`, async () => {
    const temp = await createTempDatabase(dialect);
    const cwd = await mkdtemp(join(tmpdir(), 'ratchet-sched-cli-'));
    try {
      await seedAddition(temp.url);
      const env = cleanEnv({ RATCHET_DATABASE_URL: temp.url });
      const cli = (...args: string[]) => runCli(args, { cwd, env });

      // The next run is after the moment of creation; comparing with the time the answer was read
      // failed when a five-minute boundary fell between the two (seen in CI at 15:05).
      const createdAfter = Date.now();
      const created = await cli(
        'schedule',
        'create',
        '--task',
        'addition',
        '--cron',
        '*/5 * * * *',
        '--name',
        'adder',
        '--timezone',
        'Europe/Oslo',
        '--input-json',
        '{"num1":2,"num2":3}',
        '--max-runs',
        '10',
        '--missed',
        'run_once',
        '--json',
        '--destinations-json',
        '[{"type":"stdio"},{"type":"filesystem","path":"out/{{job_id}}.json"}]',
      );
      assert.equal(created.code, 0, created.stderr);
      const s = JSON.parse(created.stdout) as Record<string, unknown>;
      assert.deepEqual(
        [s.name, s.cronExpression, s.timezone, s.input, s.maxRuns, s.missedRunPolicy, s.enabled],
        ['adder', '*/5 * * * *', 'Europe/Oslo', { num1: 2, num2: 3 }, 10, 'run_once', true],
      );
      assert.equal((s.outputDestinations as unknown[]).length, 2);
      assert.ok(Date.parse(s.nextRunAt as string) > createdAfter);

      const second = await cli(
        'schedule',
        'create',
        '--task',
        'addition',
        '--cron',
        '0 9 * * 1',
        '--name',
        'weekly',
        '--input-json',
        '{"num1":1,"num2":1}',
        '--disabled',
      );
      assert.equal(second.code, 0, second.stderr);
      assert.match(
        second.stdout,
        /created schedule \d+ "weekly": task addition, cron "0 9 \* \* 1" UTC, disabled, next run none/,
      );

      const table = await cli('schedule', 'list');
      assert.match(table.stdout, /^ID\s+NAME\s+TARGET\s+CRON\s+TIMEZONE\s+ENABLED\s+NEXT RUN\s+RUNS\n/);
      assert.match(
        table.stdout,
        /adder\s+task addition\s+\*\/5 \* \* \* \*\s+Europe\/Oslo\s+yes\s+\S+\s+0\/10/,
      );
      const names = async (...args: string[]) =>
        (JSON.parse((await cli('schedule', 'list', '--json', ...args)).stdout) as { name: string }[]).map(
          (r) => r.name,
        );
      assert.deepEqual(await names(), ['adder', 'weekly']);
      assert.deepEqual(await names('--status', 'disabled'), ['weekly']);
      assert.deepEqual(await names('--task', 'addition', '--limit', '1'), ['adder']);

      const trig = await cli('schedule', 'trigger', 'adder', '--json');
      assert.equal(trig.code, 0, trig.stderr);
      const job = JSON.parse(trig.stdout) as Record<string, unknown>;
      assert.deepEqual([job.scheduleId, job.input, job.status], [s.id, { num1: 2, num2: 3 }, 'QUEUED']);
      assert.match(
        (await cli('schedule', 'trigger', String(s.id))).stdout,
        /^queued job \d+ \(.+\) for schedule \d+ "adder"\n$/,
      );

      assert.match(
        (await cli('schedule', 'disable', 'adder')).stdout,
        /^disabled schedule \d+ "adder".*disabled, next run none/,
      );
      assert.match((await cli('schedule', 'enable', 'weekly')).stdout, /enabled, next run 20\d\d-/);
      assert.deepEqual(await names('--status', 'enabled'), ['weekly']);
      assert.match((await cli('schedule', 'delete', 'weekly')).stdout, /^deleted schedule/);
      assert.deepEqual(await names(), ['adder']);

      // Errors: usage errors exit 2 and name the field; unknown things exit 1.
      const badCron = await cli('schedule', 'create', '--task', 'addition', '--cron', '* 24 * * *');
      assert.equal(badCron.code, 2);
      assert.match(badCron.stderr, /\$\.cronExpression .*bad hour field "24"/);
      const badInput = await cli(
        'schedule',
        'create',
        '--task',
        'addition',
        '--cron',
        '* * * * *',
        '--input-json',
        '{"num1":"x"}',
      );
      assert.equal(badInput.code, 2);
      assert.match(badInput.stderr, /\$\.input/);
      const badDest = await cli(
        'schedule',
        'create',
        '--task',
        'addition',
        '--cron',
        '* * * * *',
        '--input-json',
        '{"num1":1,"num2":1}',
        '--destinations-json',
        '[{"type":"webhook"}]',
      );
      assert.equal(badDest.code, 2);
      assert.match(badDest.stderr, /\$\.outputDestinations\[0\]\.url/);
      assert.equal(
        (await cli('schedule', 'create', '--task', 'addition', '--cron', '* * * * *', '--missed', 'later'))
          .code,
        2,
      );
      const dup = await cli(
        'schedule',
        'create',
        '--task',
        'addition',
        '--cron',
        '* * * * *',
        '--name',
        'adder',
        '--input-json',
        '{"num1":1,"num2":1}',
      );
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /"adder" already exists/);
      const missing = await cli('schedule', 'trigger', 'nope');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no schedule "nope"/);
      assert.equal((await cli('schedule', 'list', '--limit', '0')).code, 2);
    } finally {
      await rm(cwd, { recursive: true, force: true });
      await temp.drop();
    }
  });
}
