// Real local servers for the HTTP tests: a small router over node:http, plus a self-signed
// HTTPS server built with the system openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function track(server: Server): () => Promise<void> {
  // Hanging handlers keep sockets open; destroy them so close() always finishes.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function route(routes: Record<string, Handler>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const handler = routes[path];
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route ${path}`);
        return;
      }
      handler(req, res, Buffer.concat(chunks));
    });
  };
}

async function listen(server: Server, scheme: string): Promise<TestServer> {
  const close = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${scheme}://127.0.0.1:${port}`, port, close };
}

export function startServer(routes: Record<string, Handler>): Promise<TestServer> {
  return listen(createServer(route(routes)), 'http');
}

/** A throwaway self-signed certificate for 127.0.0.1, made with the system openssl. */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore', input: '' },
    );
    return { key: readFileSync(keyFile), cert: readFileSync(certFile) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function startHttpsServer(routes: Record<string, Handler>): Promise<TestServer> {
  return listen(createHttpsServer(selfSignedCertificate(), route(routes)), 'https');
}

/** Echoes the request back as JSON: method, url, headers, body (utf8). */
export const echo: Handler = (req, res, body) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(
    JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8') }),
  );
};
