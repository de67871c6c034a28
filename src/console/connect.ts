// Choosing the connection: --connect URL, else console.default_connection (or the configured
// server's address), else — when nothing answers there — the local store, in-process.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { RatchetConfig } from '../config/schema.ts';
import type { ConsoleClient } from './client.ts';
import { HttpClient } from './http-client.ts';
import { HttpTransport } from './http-request.ts';
import { deferredClient } from './deferred-client.ts';

/** How long start-up waits for the default server before opening the local store. */
const PROBE_MS = 250;

export function expandHome(p: string): string {
  return p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : p;
}

export function defaultUrl(config: RatchetConfig): string {
  const dc = config.console.default_connection;
  let host = dc.host ?? config.server.bind_address;
  if (host === '0.0.0.0' || host === '::') host = '127.0.0.1';
  const port = dc.port ?? config.server.port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function tokenOf(config: RatchetConfig, flag: string | undefined): string | undefined {
  if (flag) return flag;
  if (process.env.RATCHET_API_KEY) return process.env.RATCHET_API_KEY;
  const file = config.console.default_connection.auth_token_file;
  if (!file) return undefined;
  try {
    return readFileSync(expandHome(file), 'utf8').split('\n')[0]!.trim();
  } catch (err) {
    throw new Error(
      `cannot read console.default_connection.auth_token_file ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

async function answers(url: string): Promise<boolean> {
  const transport = new HttpTransport(url);
  try {
    const res = await transport.send('GET', '/health', { headers: {}, timeoutMs: PROBE_MS });
    return res.status === 200;
  } catch {
    return false;
  } finally {
    transport.close();
  }
}

/**
 * Loaded on demand: a connected console does not pay for the store and the services. The task
 * sources are synced into the store as `ratchet serve` does at start, behind the prompt: the first
 * command waits for that sync, the prompt does not.
 */
export async function openLocal(config: RatchetConfig): Promise<ConsoleClient> {
  const [{ createRatchet }, { LocalClient }, { syncAllSources }] = await Promise.all([
    import('../app.ts'),
    import('./local-client.ts'),
    import('../services/registry-service.ts'),
  ]);
  const app = await createRatchet(config);
  return new LocalClient(app, syncAllSources(app));
}

export interface Opened {
  client: ConsoleClient;
  /** Why this connection: shown in the banner. */
  note: string;
}

/**
 * Opens the connection. With `deferLocal` (an interactive session) a local store is opened behind
 * the prompt: the first command waits for it instead of the prompt.
 */
export async function openConnection(
  config: RatchetConfig,
  opts: { connect?: string; token?: string; deferLocal?: boolean },
): Promise<Opened> {
  const timeoutMs = config.console.default_connection.timeout * 1000;
  const local = async () =>
    opts.deferLocal ? deferredClient('local', () => openLocal(config)) : await openLocal(config);
  if (opts.connect === 'local') return { client: await local(), note: 'local store, in-process' };
  if (opts.connect) {
    const client = new HttpClient(opts.connect, opts.token, timeoutMs);
    return { client, note: `server ${opts.connect}` };
  }
  const url = defaultUrl(config);
  if (await answers(url))
    return { client: new HttpClient(url, opts.token, timeoutMs), note: `server ${url}` };
  return {
    client: await local(),
    note: `no server answered at ${url}: opened the local store (${config.server.database.url}) in-process`,
  };
}
