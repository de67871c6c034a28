// Shapes that cross between the sandbox, the outbound HTTP client, recordings and mocks.
// Bodies are strings: text as UTF-8, anything binary as base64 (bodyEncoding says which).

export type BodyEncoding = 'utf8' | 'base64';

export interface HttpRequestSpec {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | null;
  bodyEncoding?: BodyEncoding;
  /** Set on recorded requests whose body was cut (host budget): the full length in characters. */
  truncatedFrom?: number;
}

export interface HttpResponseSpec {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: BodyEncoding;
  /** Media type without parameters, e.g. `application/json`. */
  mimeType: string;
  /** The URL that answered, after redirects. */
  url: string;
  /** Set on recorded responses whose body was cut (host budget): the full length in characters. */
  truncatedFrom?: number;
}

/** Why a request produced no response. */
export interface HttpFailure {
  type: 'NetworkError' | 'TimeoutError' | 'PolicyError';
  message: string;
}

/** One request as the task made it, with what came back; the unit of traces and HAR recordings. */
export interface HttpExchange {
  request: HttpRequestSpec;
  response?: HttpResponseSpec;
  error?: HttpFailure;
  /** ISO time the request started. */
  startedAt: string;
  /** Wall time of the whole exchange in milliseconds. */
  durationMs: number;
}

/** Performs one request synchronously (the guest blocks). Never throws: failures come back in `error`. */
export type SyncFetch = (request: HttpRequestSpec, timeoutMs: number) => HttpExchange;
