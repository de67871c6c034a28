// Per-client limits on the tools that start task runs (tools/groups.ts EXECUTE_TOOLS):
// mcp.rate_limit.execute_per_minute (a fixed one-minute window) and
// mcp.security.request_limits.max_concurrent_executions_per_client (calls still running, including
// task-augmented calls running after their request was answered). A client is the caller's address
// over HTTP, the principal otherwise (stdio: the one local client). Counted in this process.
import type { Ratchet } from '../../app.ts';
import type { ToolPrincipal } from './tool.ts';

/** A call refused by one of these limits: a RATE_LIMITED tool error (runTool converts it). */
export class ToolLimitError extends Error {
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown>) {
    super(message);
    this.name = 'ToolLimitError';
    this.details = details;
  }
}

const WINDOW_MS = 60_000;

interface Gate {
  windows: Map<string, { start: number; count: number }>;
  running: Map<string, number>;
}

const gates = new WeakMap<Ratchet, Gate>();

function gateOf(app: Ratchet): Gate {
  let g = gates.get(app);
  if (!g) gates.set(app, (g = { windows: new Map(), running: new Map() }));
  return g;
}

export const clientOf = (p: ToolPrincipal): string => p.client ?? p.id ?? p.name;

/**
 * Admits one execute call of `principal` or throws ToolLimitError saying which limit and when to
 * retry; the returned function ends the call (call it exactly once).
 */
export function admitExecution(app: Ratchet, principal: ToolPrincipal, tool: string): () => void {
  const { execute_per_minute: perMinute } = app.config.mcp.rate_limit;
  const maxRunning = app.config.mcp.security.request_limits.max_concurrent_executions_per_client;
  if (perMinute === undefined && maxRunning === undefined) return () => undefined;
  const gate = gateOf(app);
  const client = clientOf(principal);
  const now = Date.now();

  const running = gate.running.get(client) ?? 0;
  if (maxRunning !== undefined && running >= maxRunning)
    throw new ToolLimitError(
      `${tool} refused: this client already has ${running} task-running calls in progress, the most mcp.security.request_limits.max_concurrent_executions_per_client allows; wait for one to finish`,
      { limit: maxRunning, running },
    );

  if (perMinute !== undefined) {
    for (const [k, w] of gate.windows) if (now - w.start >= WINDOW_MS) gate.windows.delete(k);
    const w = gate.windows.get(client) ?? { start: now, count: 0 };
    if (w.count >= perMinute) {
      const retryAfter = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
      throw new ToolLimitError(
        `${tool} refused: rate limit exceeded: ${perMinute} task-running calls per minute from this client (mcp.rate_limit.execute_per_minute); retry in ${retryAfter} s`,
        { limit: perMinute, retry_after_seconds: retryAfter },
      );
    }
    w.count++;
    gate.windows.set(client, w);
  }

  gate.running.set(client, running + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (gate.running.get(client) ?? 1) - 1;
    if (left <= 0) gate.running.delete(client);
    else gate.running.set(client, left);
  };
}
