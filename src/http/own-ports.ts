// The ports this process serves on (REST and MCP), so the egress policy can keep tasks and webhooks
// away from their own server: the configured ports are known up front, and the real ones (port 0
// picks a free one; --port overrides) are noted here when a server starts listening, before any
// executor thread is started with its HTTP options.
import type { RatchetConfig } from '../config/schema.ts';

const listening = new WeakMap<object, number[]>();

/** Records that `app`'s process now serves on `port`. */
export function noteListeningPort(app: object, port: number): void {
  const ports = listening.get(app) ?? [];
  if (!ports.includes(port)) ports.push(port);
  listening.set(app, ports);
}

/** The configured REST port, the MCP HTTP port when that transport is chosen, and every port noted for app. */
export function ownPorts(config: RatchetConfig, app?: object): number[] {
  const ports = [config.server.port];
  if (config.mcp.transport === 'http') ports.push(config.mcp.port);
  if (app) ports.push(...(listening.get(app) ?? []));
  return [...new Set(ports.filter((p) => p > 0))];
}
