// N+1 safety: 100 jobs with their task and last execution cost a fixed handful of database queries
// (counted by a Kysely plugin on the application's store), not one or two per job.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { startWorkers } from '../../app.ts';
import { gql, withApi, type Api } from './test-helpers.ts';

function countQueries(api: Api): { count: number } {
  const counter = { count: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: (args) => {
      counter.count++;
      return Promise.resolve(args.result);
    },
  };
  api.app.store.db = api.app.store.db.withPlugin(plugin);
  return counter;
}

const QUERY = `query { jobs(pagination: { limit: 100 }) { total items { id task { name } lastExecution { id status } } } }`;

void test('100 jobs with task and last execution: a bounded number of queries', () =>
  withApi('sqlite', async (api) => {
    const node = await startWorkers(api.app, { threads: 1, log: () => {} });
    try {
      for (let n = 0; n < 100; n++) {
        const r = await gql(
          api,
          `mutation { createJob(input: { taskId: "addition", input: { num1: ${n}, num2: 1 } }) { id } }`,
        );
        assert.equal(r.errors, undefined);
      }
      for (let i = 0; i < 500; i++) {
        const done = await api.call('GET', '/api/v1/jobs?status=COMPLETED&limit=1');
        if (done.body.meta.total === 100) break;
        await new Promise((res) => setTimeout(res, 20));
      }
    } finally {
      await node.stop(2000);
    }
    const counter = countQueries(api);
    const r = await gql(api, QUERY);
    assert.equal(r.errors, undefined);
    assert.equal(r.data.jobs.items.length, 100);
    for (const j of r.data.jobs.items) {
      assert.equal(j.task.name, 'addition');
      assert.equal(j.lastExecution.status, 'COMPLETED');
    }
    // jobs page + total, tasks by id (+ total), executions by job (+ total): 6 at most.
    assert.ok(counter.count <= 6, `${counter.count} queries for 100 jobs with task and last execution`);
    assert.ok(counter.count >= 3, 'the counter sees the queries');
  }));
