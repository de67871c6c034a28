// Cost of the synchronous fetch bridge: a raw async undici request against the same local server
// versus createSyncFetcher's round trip (post to helper thread, Atomics.wait, receiveMessageOnPort).
// Run: npx node bench/http-roundtrip.ts
import { Agent, request } from 'undici';
import { Worker } from 'node:worker_threads';
import { defaultHttpOptions } from '../src/http/client.ts';
import { createSyncFetcher } from '../src/http/sync-fetch.ts';

const ITERATIONS = 2000;
const WARMUP = 200;

// The server lives on its own thread: the sync fetch blocks this one, so a server here could not answer.
const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const body = '{"hello":"world","n":42}';
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[index]! * 1000) / 1000;
}

async function main(): Promise<void> {
  const server = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((resolve) => server.once('message', resolve));
  const url = `http://127.0.0.1:${port}/data`;

  const agent = new Agent();
  const raw = async (): Promise<void> => {
    const res = await request(url, { dispatcher: agent, headers: { 'user-agent': 'Ratchet/1.0' } });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`raw request to ${url} answered ${res.statusCode}`);
  };
  for (let i = 0; i < WARMUP; i++) await raw();
  const rawTimes: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await raw();
    rawTimes.push(performance.now() - start);
  }

  const fetcher = createSyncFetcher({ ...defaultHttpOptions });
  const sync = (): void => {
    const exchange = fetcher.fetch({ method: 'GET', url, headers: {} }, 5000);
    if (exchange.response?.status !== 200) {
      throw new Error(`sync fetch of ${url} failed: ${JSON.stringify(exchange.error ?? exchange.response)}`);
    }
  };
  for (let i = 0; i < WARMUP; i++) sync();
  const syncTimes: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    sync();
    syncTimes.push(performance.now() - start);
  }

  fetcher.close();
  await agent.close();
  await server.terminate();

  rawTimes.sort((a, b) => a - b);
  syncTimes.sort((a, b) => a - b);
  const rawP50Ms = percentile(rawTimes, 50);
  const syncP50Ms = percentile(syncTimes, 50);
  console.log(
    JSON.stringify({
      bench: 'http-roundtrip',
      node: process.version,
      iterations: ITERATIONS,
      rawP50Ms,
      rawP99Ms: percentile(rawTimes, 99),
      syncP50Ms,
      syncP99Ms: percentile(syncTimes, 99),
      overheadP50Ms: Math.round((syncP50Ms - rawP50Ms) * 1000) / 1000,
    }),
  );
}

await main();
