// The HTTP client: the public REST API under /api/v1 with an API key (Bearer). A server that does
// not answer is a ClientError with status 0; the next command simply tries again (fetch reconnects).
import {
  ClientError,
  type ConsoleClient,
  type DbStatus,
  type ListPage,
  type Resource,
  type StatsKind,
} from './client.ts';
import { HttpTransport, TransportError, type HttpAnswer } from './http-request.ts';

type Row = Record<string, unknown>;

export class HttpClient implements ConsoleClient {
  readonly where: string;
  private readonly base: string;
  private readonly token: string | undefined;
  /** Aborts the request in flight (Ctrl-C during a long command). */
  signal: AbortSignal | undefined;

  private readonly timeoutMs: number;
  private readonly transport: HttpTransport;

  constructor(url: string, token?: string, timeoutMs = 30_000) {
    this.timeoutMs = timeoutMs;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ClientError(
        `invalid server URL ${JSON.stringify(url)} (expected http://host:port)`,
        0,
        'BAD_URL',
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new ClientError(
        `invalid server URL ${JSON.stringify(url)}: use http:// or https://`,
        0,
        'BAD_URL',
      );
    this.base = parsed.origin;
    this.where = parsed.host;
    this.transport = new HttpTransport(parsed.origin);
    this.token = token;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: HttpAnswer;
    try {
      res = await this.transport.send(method, path, {
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.timeoutMs,
        signal: this.signal,
      });
    } catch (err) {
      const code = err instanceof TransportError ? err.code : 'ERROR';
      if (code === 'CANCELLED') throw new ClientError('cancelled', 0, 'CANCELLED');
      if (code === 'TIMEOUT')
        throw new ClientError(
          `${method} ${path} took longer than ${this.timeoutMs / 1000} s (console.default_connection.timeout)`,
          0,
          'TIMEOUT',
        );
      throw new ClientError(
        `cannot reach ${this.base} (${code === 'ERROR' ? (err as Error).message : code}); the next command tries again`,
        0,
        'UNREACHABLE',
      );
    }
    const text = res.text;
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new ClientError(
        `${method} ${path}: ${res.status} with a body that is not JSON`,
        res.status,
        'BAD_RESPONSE',
      );
    }
    if (res.status < 200 || res.status > 299) {
      const e = (
        json as {
          error?: {
            message?: string;
            code?: string;
            details?: { fields?: { path: string; message: string }[] };
          };
        }
      ).error;
      let message = e?.message ?? `${method} ${path} answered ${res.status}`;
      for (const f of e?.details?.fields ?? []) message += `\n  ${f.path}: ${f.message}`;
      if (res.status === 401)
        message += this.token
          ? ' (the API key given with --auth-token or RATCHET_API_KEY was refused)'
          : ' (give an API key with --auth-token or RATCHET_API_KEY)';
      if (res.status === 403) message += ` (the role of the API key ${this.keyPrefix()} does not allow this)`;
      throw new ClientError(message, res.status, e?.code ?? 'HTTP_ERROR');
    }
    return json;
  }

  private keyPrefix(): string {
    return this.token ? `${this.token.slice(0, 12)}…` : '(none)';
  }

  private async data<T = Row>(method: string, path: string, body?: unknown): Promise<T> {
    return ((await this.request(method, path, body)) as { data: T }).data;
  }

  private static id(id: string): string {
    return encodeURIComponent(id);
  }

  async list(resource: Resource, query: Record<string, string> = {}): Promise<ListPage> {
    const qs = new URLSearchParams(query).toString();
    return (await this.request('GET', `/api/v1/${resource}${qs ? `?${qs}` : ''}`)) as ListPage;
  }
  get(resource: Resource, id: string): Promise<Row> {
    return this.data('GET', `/api/v1/${resource}/${HttpClient.id(id)}`);
  }
  taskVersions(id: string): Promise<Row[]> {
    return this.data('GET', `/api/v1/tasks/${HttpClient.id(id)}/versions`);
  }
  setTaskEnabled(id: string, enabled: boolean): Promise<Row> {
    return this.data('POST', `/api/v1/tasks/${HttpClient.id(id)}/${enabled ? 'enable' : 'disable'}`, {});
  }
  executeTask(id: string, input: unknown): Promise<Row> {
    return this.data(
      'POST',
      `/api/v1/tasks/${HttpClient.id(id)}/execute`,
      input === undefined ? {} : { input },
    );
  }
  testTask(id: string): Promise<Row> {
    return this.data('POST', `/api/v1/tasks/${HttpClient.id(id)}/test`, {});
  }
  executionLogs(id: string): Promise<Row> {
    return this.data('GET', `/api/v1/executions/${HttpClient.id(id)}/logs`);
  }
  enqueueJob(task: string, input: unknown): Promise<Row> {
    return this.data('POST', '/api/v1/jobs', { taskId: task, ...(input === undefined ? {} : { input }) });
  }
  cancelJob(id: string): Promise<Row> {
    return this.data('POST', `/api/v1/jobs/${HttpClient.id(id)}/cancel`, {});
  }
  retryJob(id: string): Promise<Row> {
    return this.data('POST', `/api/v1/jobs/${HttpClient.id(id)}/retry`, {});
  }
  setScheduleEnabled(id: string, enabled: boolean): Promise<Row> {
    return this.data('POST', `/api/v1/schedules/${HttpClient.id(id)}/${enabled ? 'enable' : 'disable'}`, {});
  }
  triggerSchedule(id: string): Promise<Row> {
    return this.data('POST', `/api/v1/schedules/${HttpClient.id(id)}/trigger`, {});
  }
  addRepository(name: string, uri: string): Promise<Row> {
    return this.data('POST', '/api/v1/repositories', { name, uri });
  }
  verifyRepositories(name?: string): Promise<Row[]> {
    const path = name === undefined ? '' : `/${HttpClient.id(name)}`;
    return this.data('POST', `/api/v1/repositories${path}/verify`, {});
  }
  async syncRepositories(name?: string): Promise<Row[]> {
    if (name === undefined) return this.data('POST', '/api/v1/repositories/sync', {});
    return [await this.data('POST', `/api/v1/repositories/${HttpClient.id(name)}/sync`, {})];
  }
  stats(kind: StatsKind): Promise<Row> {
    return this.data('GET', `/api/v1/${kind}/stats`);
  }
  async health(): Promise<Row> {
    return (await this.request('GET', '/health/detailed')) as Row;
  }
  queue(): Promise<Row> {
    return this.data('GET', '/api/v1/queue');
  }
  setQueuePaused(paused: boolean): Promise<Row> {
    return this.data('POST', `/api/v1/queue/${paused ? 'pause' : 'resume'}`, {});
  }
  clearJobs(opts: { status?: string; olderThan?: string }): Promise<Row> {
    return this.data('POST', '/api/v1/jobs/clear', opts);
  }
  monitor(): Promise<Row> {
    return this.data('GET', '/api/v1/monitor');
  }
  dbStatus(): Promise<DbStatus> {
    return this.data('GET', '/api/v1/db/status');
  }
  async dbMigrate(): Promise<string[]> {
    return (await this.data<{ applied: string[] }>('POST', '/api/v1/db/migrate', {})).applied;
  }
  dbStats(): Promise<Row> {
    return this.data('GET', '/api/v1/db/stats');
  }
  async close(): Promise<void> {
    this.transport.close();
  }
}
