// GraphQL's keys, roles and limits over real HTTP and WebSocket: the same API keys and roles as
// REST (Bearer or X-API-Key; connection_init for subscriptions), coded errors for a missing,
// refused or too weak key, depth/cost/body limits and introspection switched off, and the
// operation metrics on /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKey } from '../../services/api-keys.ts';
import { listAuditPage, type AuditEntry } from '../../services/audit.ts';
import { withServer } from '../../server/test-helpers.ts';
import { collect, gql, triggerUntilEvent, wsClient } from './test-helpers.ts';

const keys: Record<string, string> = {};
const auth = (role: string) => ({ authorization: `Bearer ${keys[role]}` });

const TASKS = 'query ListTasks { tasks { total } }';
const RUN = 'mutation { executeTaskDirect(taskId: "nope") { success } }';
const CREATE = 'mutation { createTask(input: { name: "t", code: "(i) => i" }) { id } }';

void test('GraphQL auth: keys and roles as in REST, in headers and in connection_init', () =>
  withServer(
    'sqlite',
    {
      config: { server: { auth: { required: true } } },
      before: async (app) => {
        for (const role of ['viewer', 'operator', 'developer'])
          keys[role] = (await createKey(app.store.db, { name: `${role}-key`, role })).key;
      },
    },
    async ({ url, app }) => {
      const api = { base: url };
      const none = await gql(api, TASKS);
      assert.equal(none.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
      assert.match(none.errors[0].message, /API key is required/);
      assert.equal(none.data, null);

      const bad = await gql(api, TASKS, undefined, { authorization: 'Bearer rk_abcdefgh_nope' });
      assert.equal(bad.status, 401);
      assert.equal(bad.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
      assert.match(bad.errors[0].message, /API key rk_abcdefgh_… is not a Ratchet API key/);

      assert.equal((await gql(api, TASKS, undefined, auth('viewer'))).data.tasks.total, 0);
      assert.equal((await gql(api, TASKS, undefined, { 'x-api-key': keys.viewer! })).data.tasks.total, 0);

      // REST takes X-API-Key too; two headers naming different keys are refused.
      const rest = await fetch(`${url}/api/v1/tasks`, { headers: { 'x-api-key': keys.viewer! } });
      assert.equal(rest.status, 200);
      const both = await fetch(`${url}/api/v1/tasks`, {
        headers: { 'x-api-key': keys.viewer!, ...auth('operator') },
      });
      assert.equal(both.status, 401);
      assert.match(JSON.stringify(await both.json()), /Authorization and X-API-Key name different keys/);

      const viewerRun = await gql(api, RUN, undefined, auth('viewer'));
      assert.equal(viewerRun.errors?.[0]?.extensions.code, 'FORBIDDEN');
      assert.match(
        viewerRun.errors[0].message,
        /executeTaskDirect needs run access .* key "viewer-key" has role viewer/,
      );
      // An operator may run (the task is unknown: NOT_FOUND, past the role check) but not write.
      assert.equal(
        (await gql(api, RUN, undefined, auth('operator'))).errors?.[0]?.extensions.code,
        'NOT_FOUND',
      );
      assert.equal(
        (await gql(api, CREATE, undefined, auth('operator'))).errors?.[0]?.extensions.code,
        'FORBIDDEN',
      );
      assert.equal((await gql(api, CREATE, undefined, auth('developer'))).errors, undefined);
      // The mutation is in the audit trail, as a REST mutation would be (written just behind).
      // Refused attempts are there too, with the code, as REST's 403s are.
      let rows: AuditEntry[] = [];
      for (let n = 0; n < 100 && rows.length < 2; n++) {
        rows = (await listAuditPage(app, {})).rows.filter((r) => r.action === 'GRAPHQL createTask');
        if (rows.length < 2) await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(rows.map((r) => [r.actor, r.outcome]).sort(), [
        ['developer-key', '2xx'],
        ['operator-key', '2xx FORBIDDEN'],
      ]);

      // Subscriptions: the key goes in connection_init.
      const SUB = 'subscription { jobUpdated { job { id } } }';
      const anonymous = wsClient(api);
      const refused = wsClient(api, { authorization: 'Bearer rk_abcdefgh_nope' });
      const viewer = wsClient(api, { 'X-API-Key': keys.viewer! });
      try {
        await assert.rejects(collect(anonymous, SUB, undefined, () => true).done, /UNAUTHENTICATED/);
        await assert.rejects(
          collect(refused, SUB, undefined, () => true).done,
          /UNAUTHENTICATED.*|is not valid/,
        );
        // The viewer's subscription is accepted and sees a job the developer queues.
        const sub = collect<{ jobUpdated: { job: { id: number } } }>(
          viewer,
          SUB,
          undefined,
          (e) => e.length > 0,
        );
        const ids: number[] = [];
        await triggerUntilEvent(sub.events, async () => {
          const job = await gql(
            api,
            'mutation { createJob(input: { taskId: "t", delayMs: 3600000 }) { id } }',
            undefined,
            auth('developer'),
          );
          ids.push(job.data.createJob.id as number);
        });
        assert.ok(ids.includes((await sub.done)[0]!.jobUpdated.job.id));
      } finally {
        await Promise.all([anonymous.dispose(), refused.dispose(), viewer.dispose()]);
      }
    },
  ));

void test('GraphQL limits: depth, cost, body size, introspection off; operation metrics', () =>
  withServer(
    'sqlite',
    { config: { graphql: { max_depth: 4, max_cost: 500, introspection: false, body_limit_bytes: 4096 } } },
    async ({ url }) => {
      const api = { base: url };
      const deep = await gql(api, 'query { jobs { items { task { current { metadata } } } } }');
      assert.equal(deep.status, 400);
      assert.equal(deep.errors?.[0]?.extensions.code, 'QUERY_TOO_DEEP');
      assert.match(deep.errors[0].message, /depth 5 exceeds the limit of 4 \(graphql.max_depth\)/);

      // 10 × (id + task) fits; a page size of 300 from a variable does not.
      const COSTLY = 'query($n: Int) { jobs(pagination: { limit: $n }) { items { id task { id } } } }';
      assert.equal((await gql(api, COSTLY, { n: 10 })).errors, undefined);
      const costly = await gql(api, COSTLY, { n: 300 });
      assert.equal(costly.errors?.[0]?.extensions.code, 'QUERY_TOO_COSTLY');
      assert.match(costly.errors[0].message, /exceeds the limit of 500 \(graphql.max_cost/);
      // A cheap first operation does not let a costly second one through.
      const pair = `query Cheap { tasks { total } } query Costly { jobs(pagination: { limit: 300 }) { items { id task { id } } } }`;
      for (const operationName of ['Cheap', 'Costly']) {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: pair, operationName }),
        });
        const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
        assert.equal(body.errors?.[0]?.extensions.code, 'QUERY_TOO_COSTLY', operationName);
      }

      const intro = await gql(api, '{ __schema { types { name } } }');
      assert.equal(intro.errors?.[0]?.extensions.code, 'GRAPHQL_VALIDATION_FAILED');
      assert.match(intro.errors[0].message, /introspection/i);

      const big = await gql(
        api,
        `query { tasks(filter: [{ field: "name", value: "${'x'.repeat(5000)}" }]) { total } }`,
      );
      assert.equal(big.status, 413);
      assert.equal(big.errors?.[0]?.extensions.code, 'PAYLOAD_TOO_LARGE');
      assert.match(big.errors[0].message, /4096 bytes \(graphql.body_limit_bytes\)/);

      assert.equal((await gql(api, TASKS)).errors, undefined);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(
        metrics,
        /ratchet_graphql_operations_total\{operation="ListTasks",type="query",outcome="success"\} [1-9]/,
      );
      assert.match(metrics, /ratchet_graphql_operations_total\{[^}]*outcome="rejected"\} [1-9]/);
      assert.match(
        metrics,
        /ratchet_graphql_operation_duration_seconds_count\{operation="ListTasks",type="query"\} [1-9]/,
      );
    },
  ));

void test('GraphQL shares the REST rate limit: past it, HTTP 429 with RATE_LIMITED', () =>
  withServer(
    'sqlite',
    { config: { server: { rate_limit: { burst_size: 3, requests_per_minute: 3 } } } },
    async ({ url }) => {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await gql({ base: url }, TASKS));
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200, 429, 429],
      );
      assert.equal(answers[4]!.errors?.[0]?.extensions.code, 'RATE_LIMITED');
      assert.match(answers[4]!.errors[0].message, /server\.rate_limit/);
    },
  ));
