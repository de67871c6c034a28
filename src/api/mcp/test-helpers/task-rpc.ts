// Test helper: raw JSON-RPC over /mcp with the 2025-11-25 headers. The official client (SDK v2)
// cannot send a task-augmented tools/call (its codec refuses a tools/call result carrying `task`),
// so task tests speak the wire protocol themselves, statelessly, as any 2025 client may.
export const TASKS_PROTOCOL = '2025-11-25';

export interface RpcError {
  code: number;
  message: string;
}

export type RpcReply =
  { result: Record<string, unknown>; error?: undefined } | { error: RpcError; result?: undefined };

let nextId = 1;

/** Sends one request and returns its JSON-RPC result or error (either JSON or an SSE answer). */
export async function rpc(
  base: string,
  method: string,
  params: Record<string, unknown> = {},
  token?: string,
): Promise<RpcReply> {
  const id = nextId++;
  const res = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': TASKS_PROTOCOL,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
  });
  const text = await res.text();
  const messages = (res.headers.get('content-type') ?? '').startsWith('text/event-stream')
    ? text
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => JSON.parse(l.slice(5)) as Record<string, unknown>)
    : [JSON.parse(text) as Record<string, unknown>];
  const reply = messages.find((m) => m.id === id);
  if (!reply) throw new Error(`${method}: no reply with id ${id} (HTTP ${res.status}): ${text}`);
  return reply as RpcReply;
}

/** The result of a request that must succeed. */
export async function call(
  base: string,
  method: string,
  params: Record<string, unknown> = {},
  token?: string,
): Promise<Record<string, unknown>> {
  const r = await rpc(base, method, params, token);
  if (r.error) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.result;
}

export interface WireTask {
  taskId: string;
  status: string;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttl: number | null;
  pollInterval?: number;
}

/** Polls tasks/get until the status is one of `until`; returns every status seen, in order. */
export async function pollTask(
  get: () => Promise<WireTask>,
  until: string[],
  timeoutMs = 20_000,
): Promise<{ last: WireTask; seen: WireTask[] }> {
  const seen: WireTask[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await get();
    seen.push(t);
    if (until.includes(t.status)) return { last: t, seen };
    if (Date.now() > deadline) throw new Error(`task still ${t.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
