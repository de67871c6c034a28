// The dashboard's one way to the server: the public REST API under /api/v1, with the tab's API key
// (sessionStorage) as a Bearer token. Errors carry the server's own message ({ error: { message } }).
const KEY_STORAGE = 'ratchet.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function authHeaders(): Record<string, string> {
  const key = storedKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

export interface Page<T> {
  data: T[];
  total: number;
}

async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as {
    error?: { code?: string; message?: string; details?: Record<string, unknown> };
  } | null;
  const e = body?.error;
  return new ApiError(res.status, e?.code ?? 'HTTP_ERROR', e?.message ?? `HTTP ${res.status}`, e?.details);
}

async function request(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  // X-Requested-With satisfies the server's cross-site request check for POSTs without a body.
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-requested-with': 'ratchet-dashboard',
    ...authHeaders(),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (!res.ok) throw await failure(res);
  return res;
}

/** GET or POST returning the `data` of the REST envelope. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const res = await request(
    init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    path,
    init.body,
    init.signal,
  );
  const json = (await res.json()) as { data: T };
  return json.data;
}

/** A list endpoint: rows plus the total from X-Total-Count. */
export async function apiList<T>(path: string, signal?: AbortSignal): Promise<Page<T>> {
  const res = await request('GET', path, undefined, signal);
  const json = (await res.json()) as { data: T[] };
  const total = Number(res.headers.get('x-total-count') ?? json.data.length);
  return { data: json.data, total };
}
