// Shared by the workflow service's tests: waiting for a run to end, and a local HTTP server that
// counts the calls per key, so a task can fail its first attempts (the counts reach the task as
// `n`, the call's number for its key).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ratchet } from '../../app.ts';
import { runStatus, type RunStatus } from './index.ts';

export const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'RESOLVED_MANUALLY', 'BLOCKED_BY_FAILURES'];

export async function waitRun(app: Ratchet, id: string, states = FINAL): Promise<RunStatus> {
  for (let i = 0; i < 3000; i++) {
    const s = await runStatus(app, id);
    if (states.includes(s.run.status)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${id} never reached ${states.join('/')}: ${JSON.stringify(await runStatus(app, id))}`);
}

/** Answers `{ n }`, how many times its `key` query parameter has been asked for. */
export function counterServer(): Promise<{ server: Server; url: string }> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const key = new URL(req.url!, 'http://x').searchParams.get('key')!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ n: counts.get(key) }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}
