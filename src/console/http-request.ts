// The console's HTTP transport: node:http (node:https loaded only for https URLs) with one
// keep-alive agent per connection. Cheaper per request than fetch (undici), which a 100-command
// script against a local server felt; the console needs no more than a request and its text.
// Types only: the modules come from process.getBuiltinModule, because an ESM import of node:http
// reads every export, and its WebSocket getter loads undici (30–50 ms before the first prompt).
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

export interface HttpAnswer {
  status: number;
  text: string;
}

/** Why a request did not get an answer: `CANCELLED` (the signal), `TIMEOUT`, or the socket's code. */
export class TransportError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
  }
}

type RequestFn = (url: URL, opts: RequestOptions, cb: (res: IncomingMessage) => void) => ClientRequest;

export class HttpTransport {
  private readonly url: URL;
  private agent: Agent | undefined;
  private requestFn: RequestFn | undefined;

  constructor(origin: string) {
    this.url = new URL(origin);
  }

  private ready(): { agent: Agent; request: RequestFn } {
    if (!this.agent || !this.requestFn) {
      const mod = process.getBuiltinModule(this.url.protocol === 'https:' ? 'node:https' : 'node:http');
      this.agent = new mod.Agent({ keepAlive: true });
      this.requestFn = mod.request;
    }
    return { agent: this.agent, request: this.requestFn };
  }

  async send(
    method: string,
    path: string,
    opts: { headers: Record<string, string>; body?: string; timeoutMs: number; signal?: AbortSignal },
  ): Promise<HttpAnswer> {
    const { agent, request } = this.ready();
    if (opts.signal?.aborted) throw new TransportError('CANCELLED', 'cancelled');
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: TransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        reject(err);
      };
      const onAbort = () => fail(new TransportError('CANCELLED', 'cancelled'));
      const timer = setTimeout(
        () => fail(new TransportError('TIMEOUT', `no answer within ${opts.timeoutMs} ms`)),
        opts.timeoutMs,
      );
      const headers = { ...opts.headers };
      if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
      const req = request(new URL(path, this.url), { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err: NodeJS.ErrnoException) =>
          fail(new TransportError(err.code ?? 'ERROR', err.message)),
        );
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) =>
        fail(new TransportError(err.code ?? 'ERROR', err.message)),
      );
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      req.end(opts.body);
    });
  }

  close(): void {
    this.agent?.destroy();
  }
}
