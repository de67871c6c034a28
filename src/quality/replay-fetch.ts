// Replay: a SyncFetch that answers every request from a recording instead of the network. Entries
// are served strictly in order and each request must match the next unused entry by method and
// URL, so a replay proves the task asked for exactly what it asked for when it was recorded.
// A mismatch is answered with a NetworkError (the task sees a failed fetch) and remembered, so
// the caller can fail the replay even when the task swallowed the error.
import { redactedUrlMatches } from '../redaction/index.ts';
import type { HttpExchange, HttpRequestSpec, SyncFetch } from '../http/types.ts';

export interface ReplayMismatch {
  /** 1-based number of the request within the run. */
  index: number;
  asked: { method: string; url: string };
  /** The entry the recording has next, or undefined when it has no more. */
  expected?: { method: string; url: string };
  message: string;
}

export interface ReplayFetcher {
  fetch: SyncFetch;
  /** Requests that did not match the recording, in the order they were made. */
  readonly mismatches: ReplayMismatch[];
  /** Recorded entries the run never asked for. */
  unused(): HttpExchange[];
}

/** Compares URLs as the WHATWG parser normalises them (`HTTP://X/a` equals `http://x/a`). */
function normaliseUrl(url: string): string {
  return URL.canParse(url) ? new URL(url).href : url;
}

function describe(req: { method: string; url: string }): string {
  return `${req.method.toUpperCase()} ${req.url}`;
}

export function createReplayFetch(recorded: readonly HttpExchange[]): ReplayFetcher {
  const mismatches: ReplayMismatch[] = [];
  let next = 0;
  let asked = 0;

  function fetch(request: HttpRequestSpec): HttpExchange {
    asked += 1;
    const startedAt = new Date().toISOString();
    const entry = recorded[next];
    const wanted = { method: request.method.toUpperCase(), url: request.url };
    const matches =
      entry !== undefined &&
      entry.request.method.toUpperCase() === wanted.method &&
      (normaliseUrl(entry.request.url) === normaliseUrl(wanted.url) ||
        // Recordings hold secret query values as REDACTED; those match whatever this run sent.
        redactedUrlMatches(normaliseUrl(entry.request.url), normaliseUrl(wanted.url)));
    if (!matches) {
      const message =
        entry === undefined
          ? `request ${asked}: the task asked for ${describe(wanted)} but the recording has no more requests`
          : `request ${asked}: the task asked for ${describe(wanted)} but the recording has ${describe(entry.request)} next`;
      const mismatch: ReplayMismatch = { index: asked, asked: wanted, message };
      if (entry !== undefined) mismatch.expected = { method: entry.request.method, url: entry.request.url };
      mismatches.push(mismatch);
      return {
        request,
        error: { type: 'NetworkError', message: `replay: ${message}` },
        startedAt,
        durationMs: 0,
      };
    }
    next += 1;
    // The task's own request is kept (it is what this run sent); the outcome is the recorded one,
    // a recorded transport failure included, so the task takes the same path it took live.
    const replayed: HttpExchange = { request, startedAt, durationMs: entry.durationMs };
    if (entry.error) replayed.error = { ...entry.error };
    if (entry.response) replayed.response = { ...entry.response, headers: { ...entry.response.headers } };
    return replayed;
  }

  return { fetch, mismatches, unused: () => recorded.slice(next) };
}
