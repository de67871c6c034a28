// Shared by the brief-configs tests: the brief's YAML examples (copied verbatim into
// test/fixtures/brief-configs/), loaded with loadConfig, and a real app on a fresh SQLite file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createRatchet, type Ratchet } from '../../src/app.ts';
import { loadConfig, type RatchetConfig } from '../../src/config/index.ts';
import { savePackage } from '../../src/tasks/stored-versions.ts';
import { loadTask } from '../../src/tasks/load.ts';
import { createTempDatabase } from '../../src/store/test-helpers/backends.ts';

export const FIXTURES = new URL('../fixtures/brief-configs/', import.meta.url).pathname;
export const SAMPLE_TASKS = new URL('../../sample/tasks/', import.meta.url).pathname;
export const TOKEN = 'brief-test-token-0123456789';

export async function load(name: string, env: Record<string, string> = {}, file = join(FIXTURES, name)) {
  const notices: string[] = [];
  const config = await loadConfig({ file, env, onNotice: (n) => notices.push(n) });
  return { config, notices };
}

/**
 * The production example less its `session:` block (refused: MCP over HTTP is stateless here, so
 * there are no sessions), written to `dir`.
 */
export async function productionWithoutSessions(dir: string): Promise<string> {
  const text = await readFile(join(FIXTURES, 'readme-production-console.yaml'), 'utf8');
  const without = text.replace(/^ {4}session:\n( {6}.*\n)+/m, '');
  assert.notEqual(without, text);
  const file = join(dir, 'production.yaml');
  await writeFile(file, without);
  return file;
}

/** A real app on a fresh SQLite file with the addition and async-example tasks stored. */
export async function withApp(
  name: string,
  env: Record<string, string>,
  fn: (app: Ratchet, config: RatchetConfig) => Promise<void>,
): Promise<void> {
  const temp = await createTempDatabase('sqlite');
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-'));
  const tokenFile = join(dir, 'auth.token');
  await writeFile(tokenFile, `${TOKEN}\n`);
  try {
    const file =
      name === 'readme-production-console.yaml' ? await productionWithoutSessions(dir) : join(FIXTURES, name);
    const { config } = await load(
      name,
      {
        RATCHET_SERVER__DATABASE__URL: temp.url,
        RATCHET_MCP__AUTHENTICATION__TOKEN_FILE: tokenFile,
        RATCHET_LOGGING__FILE_CONFIG__PATH: join(dir, 'logs', 'console.log'),
        ...env,
      },
      file,
    );
    const app = await createRatchet(config);
    try {
      for (const t of ['addition', 'async-example'])
        await savePackage(app.store.db, await loadTask(join(SAMPLE_TASKS, t)), { changeSource: 'cli' });
      await fn(app, config);
    } finally {
      await app.close();
    }
  } finally {
    await temp.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function mcpClient(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'brief-test', version: '1.0.0' });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export const initialize = (id = 1) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
  });
export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

/**
 * A plain TCP connection; send() writes one request (Connection: close) and resolves with all the
 * server wrote before closing ('' when it closed the connection unanswered).
 */
export async function rawConnection(
  port: number,
): Promise<{ socket: Socket; send(line: string, headers?: string): Promise<string> }> {
  const socket = tcpConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(data)));
  return {
    socket,
    send: (line, headers = '') => {
      socket.write(`${line} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`);
      return closed;
    },
  };
}
