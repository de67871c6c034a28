// A real HTTP server on its own thread. Synchronous fetches block the calling thread, so a server
// living on that same thread could never answer them.
import { Worker } from 'node:worker_threads';

// Plain CommonJS so it runs with `eval: true` without any loader.
const SERVER_SOURCE = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const sockets = new Set();
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/hang') return; // never answers
    if (path === '/slow') {
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('slow'), 300);
      return;
    }
    if (path === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world","n":42}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8') }));
  });
});
server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => {
  for (const s of sockets) s.destroy();
  server.close(() => process.exit(0));
});
`;

export interface ThreadServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Routes: `/json` (small JSON), `/hang` (never answers), `/slow` (300 ms), anything else echoes. */
export async function startThreadServer(): Promise<ThreadServer> {
  const worker = new Worker(SERVER_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('close');
      await exited;
    },
  };
}
