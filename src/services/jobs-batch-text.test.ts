// enqueueMany stores what it was given, character for character, on both backends: PostgreSQL
// copies a batch in COPY's text format (queue/backends/pg-copy-jobs.ts), where backslash, tab and line
// breaks are special. Its own file: compiled input schemas are cached by version id for the whole
// process (services/enqueue-lookup.ts), so a task with a different schema under an id an earlier
// test's database used would be checked against that test's schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueueMany } from './jobs/index.ts';
import { getJobRecord } from './jobs/control.ts';
import { createTestApp, saveTask } from '../workers/test-helpers.ts';
import { WRITE_ONLY_MASK } from '../redaction/index.ts';

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`enqueueMany stores inputs and writeOnly secrets exactly, whatever characters they hold [${dialect}]`, async () => {
    const t = await createTestApp(dialect, { workers: { worker_count: 0 } });
    try {
      const secretSchema = {
        type: 'object',
        properties: { text: { type: 'string' }, token: { type: 'string', writeOnly: true } },
      };
      await saveTask(t.app, 'secretive', 'function main(i) { return i; }', {}, secretSchema);
      const texts = ['tab\there', 'line\nbreak\r\n', 'back\\slash \\N \\\\ \\t', '\\N', 'ünï 🚀 \u0000 "q"'];
      const jobs = texts.map((text) => ({ input: { text, token: `${text}!` } }));
      const r = await enqueueMany(t.app, { task: 'secretive', jobs });
      const rows = await t.app.store.db
        .selectFrom('jobs')
        .select(['id', 'input', 'secret_input'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((row) => [JSON.parse(row.input), JSON.parse(row.secret_input!)]),
        texts.map((text) => [
          { text, token: WRITE_ONLY_MASK },
          { text, token: `${text}!` },
        ]),
      );
      for (const { job } of r.jobs) assert.deepEqual(job, await getJobRecord(t.app, job.id));
    } finally {
      await t.close();
    }
  });
}
