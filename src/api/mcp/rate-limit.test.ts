// /mcp has its own rate limit (mcp.rate_limit), counted apart from REST's server.rate_limit, and a
// refused MCP request is a JSON-RPC error (HTTP 429, Retry-After) that the official client reports
// with its message: what the limit is and when to retry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, withMcpHttp } from './test-helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('/mcp is limited on its own, and over the limit answers a JSON-RPC error with a retry hint', async () => {
  await withMcpHttp(
    async ({ base, connect }) => {
      // REST's budget (3 per 3 s) used up: MCP is not affected.
      let rest = 0;
      while ((await fetch(`${base}/api/v1/tasks`)).status !== 429) rest++;
      assert.equal(rest, 3);
      const client = await connect();
      ok(await client.callTool({ name: 'ratchet_list_templates', arguments: {} }));

      // MCP's own budget (8 per 4 s, the connection's requests included) runs out.
      let refused: Error | undefined;
      for (let i = 0; i < 20 && !refused; i++) {
        try {
          ok(await client.callTool({ name: 'ratchet_list_templates', arguments: {} }));
        } catch (err) {
          refused = err as Error;
        }
      }
      assert.ok(refused, 'no request was refused');
      assert.match(
        refused.message,
        /rate limit exceeded: 8 MCP requests per 4 s from this client \(mcp\.rate_limit\); retry in \d s/,
      );

      // What any HTTP client sees: 429, Retry-After, and a JSON-RPC error body.
      const res = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
      });
      assert.equal(res.status, 429);
      const retryAfter = Number(res.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 4, `Retry-After ${retryAfter}`);
      const body = (await res.json()) as {
        jsonrpc: string;
        id: null;
        error: { code: number; message: string; data: Record<string, unknown> };
      };
      assert.equal(body.jsonrpc, '2.0');
      assert.equal(body.id, null);
      assert.equal(body.error.code, -32029);
      assert.deepEqual(body.error.data, { code: 'RATE_LIMITED', limit: 8, retry_after_seconds: retryAfter });

      // The hint is honest: after waiting that long, calls go through again.
      await sleep(retryAfter * 1000);
      ok(await client.callTool({ name: 'ratchet_list_templates', arguments: {} }));
    },
    {
      server: { rate_limit: { enabled: true, requests_per_minute: 60, burst_size: 3 } },
      mcp: { rate_limit: { enabled: true, requests_per_minute: 120, burst_size: 8 } },
    },
    [],
  );
});
