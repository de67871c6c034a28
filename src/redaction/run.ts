// What one run leaves behind, redacted in one place: runTask calls this on every result before
// anything (executor threads, run-once, replay, the test runner) sees it, so every store and face
// downstream gets the same redacted record. The sandbox itself saw the real values.
import type { HttpExchange } from '../http/types.ts';
import { redactExchanges } from './exchange.ts';
import type { RedactionRules } from './rules.ts';
import { Scrubber } from './scrub.ts';
import { maskWriteOnly } from './write-only.ts';

export interface RunRecord<L extends { message: string }, P extends { message?: string }, E> {
  logs: L[];
  progress: P[];
  http: HttpExchange[];
  error?: E;
}

/** A scrubber that already knows the writeOnly values of the run's input. */
export function runScrubber(inputSchema: unknown, input: unknown): Scrubber {
  const scrubber = new Scrubber();
  for (const s of maskWriteOnly(inputSchema, input).secrets) scrubber.add(s);
  return scrubber;
}

/**
 * The record with sensitive headers and query values redacted in its exchanges, then every value
 * learnt so far (those and the writeOnly inputs) scrubbed from log lines, progress messages and
 * the error. The task's output is left as it returned it (see docs/server.md, "Secrets").
 */
export function redactRunRecord<L extends { message: string }, P extends { message?: string }, E>(
  record: RunRecord<L, P, E>,
  rules: RedactionRules,
  scrubber: Scrubber,
): RunRecord<L, P, E> {
  const http = redactExchanges(record.http, rules, scrubber);
  if (scrubber.size === 0) return { ...record, http };
  const out: RunRecord<L, P, E> = {
    logs: record.logs.map((l) => ({ ...l, message: scrubber.scrub(l.message) })),
    progress: record.progress.map((p) =>
      p.message === undefined ? p : { ...p, message: scrubber.scrub(p.message) },
    ),
    http,
  };
  if (record.error !== undefined) out.error = scrubber.scrubDeep(record.error);
  return out;
}
