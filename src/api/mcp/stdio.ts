// MCP over stdio (`ratchet mcp-serve`): one connection, the caller is the local user (admin).
// The SDK's serveStdio decides the protocol generation from the opening message (initialize →
// 2025 era, server/discover → 2026-07-28) and pins one server instance for the connection.
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Ratchet } from '../../app.ts';
import { createMcpServer, LOCAL_ADMIN } from './server.ts';

/** Serves until stdin closes (the client went away) or `stop` settles (SIGTERM/SIGINT); resolves then. */
export function serveMcpStdio(
  app: Ratchet,
  say: (line: string) => void,
  stop: Promise<unknown>,
): Promise<void> {
  const handle = serveStdio(() => createMcpServer(app, LOCAL_ADMIN, { persistent: true }), {
    onerror: (err) => say(`mcp: ${err.message}`),
  });
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      void handle.close().finally(resolve);
    };
    process.stdin.once('end', finish);
    process.stdin.once('close', finish);
    void stop.then(finish);
  });
}
