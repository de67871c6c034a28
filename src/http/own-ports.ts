// The ports this process serves on (REST and MCP), so the egress policy can keep tasks and webhooks
// away from their own server: the configured ports are known up front, and the real ones (port 0
// picks a free one; --port overrides) are noted on the application (its `listeningPorts`) when a
// server starts listening, before any executor thread is started with its HTTP options.

/** Records that the process now serves on `port` too. */
export function noteListeningPort(listening: number[], port: number): void {
  if (!listening.includes(port)) listening.push(port);
}

/** The parts of the configuration that name ports (http/ sits below config/, so it names them itself). */
export interface PortSettings {
  server: { port: number };
  mcp: { transport?: string; port: number };
}

/**
 * The configured REST port, the MCP HTTP port unless the configuration chose stdio (unset, `ratchet
 * mcp` serves HTTP there), and every port noted as listening.
 */
export function ownPorts(config: PortSettings, listening: readonly number[] = []): number[] {
  const ports = [config.server.port];
  if (config.mcp.transport !== 'stdio') ports.push(config.mcp.port);
  ports.push(...listening);
  return [...new Set(ports.filter((p) => p > 0))];
}
