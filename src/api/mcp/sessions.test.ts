// MCP sessions (mcp.authentication.session) with the official client over real HTTP: a 2025
// client gets an Mcp-Session-Id and keeps working with it; a client holding its maximum is
// refused with the reason; an unused session ends after timeout_seconds (404: initialize again);
// DELETE ends one at once; a 2026-07-28 client, which has no sessions, is not affected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, withMcpHttp } from './test-helpers.ts';

const sessions = (session: Record<string, number>) => ({ mcp: { authentication: { session } } });
const ADD = { name: 'ratchet_execute_task', arguments: { task_id: 'addition', input: { num1: 2, num2: 3 } } };

test('MCP sessions: opened by initialize, capped per client, ended by DELETE', async () => {
  await withMcpHttp(
    async ({ connect, base, app }) => {
      const first = await connect({ protocol: 'legacy' });
      assert.equal(ok(await first.callTool(ADD)).status, 'COMPLETED');
      const rows = await app.store.db.selectFrom('mcp_sessions').selectAll().execute();
      assert.equal(rows.length, 1);

      await connect({ protocol: 'legacy' });
      await assert.rejects(connect({ protocol: 'legacy' }), /too many MCP sessions: .* already has 2 open/);

      // The modern protocol has no sessions: unaffected by the cap.
      const modern = await connect({ protocol: 'modern' });
      assert.equal(ok(await modern.callTool(ADD)).status, 'COMPLETED');

      // A request without the session id, from a 2025 client, is refused with the reason.
      const bare = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      assert.equal(bare.status, 400);
      assert.match(JSON.stringify(await bare.json()), /send the Mcp-Session-Id that initialize returned/);

      // DELETE ends a session at once.
      const id = rows[0]!.id;
      const del = await fetch(`${base}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': id } });
      assert.equal(del.status, 204, await del.text());
      await assert.rejects(first.callTool(ADD), /not open; initialize again|404/);
    },
    sessions({ max_sessions_per_client: 2 }),
  );
});

test('an MCP session unused for timeout_seconds ends: 404, and the client may initialize again', async () => {
  await withMcpHttp(
    async ({ connect }) => {
      const client = await connect({ protocol: 'legacy' });
      assert.equal(ok(await client.callTool(ADD)).status, 'COMPLETED');
      await new Promise((r) => setTimeout(r, 2200));
      await assert.rejects(client.callTool(ADD), /ended after 2 s unused; initialize again|404/);
      const again = await connect({ protocol: 'legacy' });
      assert.equal(ok(await again.callTool(ADD)).status, 'COMPLETED');
    },
    sessions({ timeout_seconds: 2 }),
  );
});
