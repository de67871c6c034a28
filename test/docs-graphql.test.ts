// Every example in docs/graphql.md runs here against a live server with the sample `addition` task:
// each ```graphql block must answer without errors (in order: the workflow examples store, start,
// read and cancel one run), the ```sh curl line against the server's real
// address, and the ```js subscription snippet as a Node program that prints a finished job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { startWorkers } from '../src/app.ts';
import { gql, withApi, type GqlAnswer } from '../src/api/graphql/test-helpers.ts';
import { ROOT } from './helpers/cli.ts';

const DOC = readFileSync(join(ROOT, 'docs/graphql.md'), 'utf8');
const blocks = (lang: string): string[] =>
  [...DOC.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);

void test('docs/graphql.md: every example runs', () =>
  withApi('sqlite', async (api) => {
    const queries = blocks('graphql');
    assert.ok(queries.length >= 6, `graphql examples found: ${queries.length}`);
    const answers = new Map<string, GqlAnswer>();
    for (const query of queries) {
      const r = await gql(api, query);
      assert.equal(r.errors, undefined, `${query}\n→ ${JSON.stringify(r.errors)}`);
      answers.set(query, r);
    }
    const answerTo = (word: string) => answers.get(queries.find((q) => q.includes(word))!)!.data;
    // The workflow examples: stored, started, listed, found invalid, cancelled.
    assert.equal(answerTo('saveWorkflow').saveWorkflow.created, true);
    assert.equal(answerTo('startWorkflow').startWorkflow.run.id, 1);
    assert.equal(answerTo('workflowRuns').workflowRuns.total, 1);
    assert.deepEqual(
      answerTo('workflowRun(id').workflowRun.steps.map((s: { name: string }) => s.name),
      ['first', 'second'],
    );
    assert.match(
      answerTo('validateWorkflow').validateWorkflow.problems[0].message,
      /task "missing" does not exist/,
    );
    assert.equal(answerTo('cancelWorkflowRun').cancelWorkflowRun.status, 'CANCELLED');
    // The brief's executeTaskDirect example (the sample task's UUID) really ran the task.
    const run = await gql(
      api,
      queries.find((q) => q.includes('taskUuid'))!,
    );
    assert.deepEqual(run.data.executeTaskDirect.output, { sum: 15, product: 50 });

    const curl = blocks('sh')
      .flatMap((b) => b.split('\n'))
      .filter((l) => l.startsWith('curl '));
    assert.equal(curl.length, 1);
    const { stdout } = await promisify(execFile)('/bin/sh', [
      '-c',
      curl[0]!.replace('http://localhost:8080', api.base),
    ]);
    assert.deepEqual(JSON.parse(stdout), { data: { tasks: { total: 1 } } });

    // The subscription snippet, as written, pointed at this server; a job finishing ends it.
    const [snippet] = blocks('js');
    const file = join(ROOT, `.docs-graphql-${process.pid}.mjs`);
    await writeFile(file, snippet!.replace('ws://localhost:8080', api.base.replace(/^http/, 'ws')));
    const node = await startWorkers(api.app, { threads: 1, log: () => {} });
    try {
      const child = spawn(process.execPath, [file], { cwd: ROOT });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
      // Queue jobs until the snippet has subscribed and seen one finish (it exits after the first).
      let code: number | null | undefined;
      for (let i = 0; i < 100 && code === undefined; i++) {
        await gql(
          api,
          'mutation { createJob(input: { taskId: "addition", input: { num1: 1, num2: 1 } }) { id } }',
        );
        code = await Promise.race([exit, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
      }
      assert.equal(code, 0, out);
      assert.match(out, /^job \d+ COMPLETED$/m);
    } finally {
      await node.stop(2000);
      await rm(file, { force: true });
    }
  }));
