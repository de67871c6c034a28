// Shared by the worker tests: an application on a fresh database of either backend, with tasks
// saved from inline code.
import { createRatchet, type Ratchet } from '../app.ts';
import { ConfigSchema, type RatchetConfig } from '../config/schema.ts';
import type { Dialect } from '../store/database.ts';
import { createTempDatabase } from '../store/test-helpers/temp-db.ts';
import { savePackage } from '../tasks/stored-versions.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';

export interface TestApp {
  app: Ratchet;
  url: string;
  /** Listener errors the hub reported so far (cleared); close() throws any left untaken. */
  takeListenerFailures(): unknown[];
  close(): Promise<void>;
}

export function testConfig(url: string, over: Record<string, unknown> = {}): RatchetConfig {
  return ConfigSchema.parse({
    server: {
      database: { url },
      job_queue: {
        poll_interval_ms: 200,
        lease_seconds: 5,
        default_retry_delay: 1,
        ...(over.job_queue ?? {}),
      },
      workers: { worker_count: 2, health_check_interval_seconds: 1, ...(over.workers ?? {}) },
    },
  });
}

export async function createTestApp(dialect: Dialect, over: Record<string, unknown> = {}): Promise<TestApp> {
  const temp = await createTempDatabase(dialect);
  const app = await createRatchet(testConfig(temp.url, over));
  // The hub reports a throwing listener and carries on (the queue must); a test's assertion inside
  // a listener must still fail the test, so failures are kept and close() throws them.
  const listenerFailures: unknown[] = [];
  app.jobEvents.setErrorReporter((err) => listenerFailures.push(err));
  return {
    app,
    url: temp.url,
    takeListenerFailures() {
      return listenerFailures.splice(0);
    },
    async close() {
      await app.close();
      await temp.drop();
      if (listenerFailures.length > 0) {
        throw new AggregateError(
          listenerFailures,
          `${listenerFailures.length} job-finished listener(s) failed`,
        );
      }
    },
  };
}

/** Saves a task with the given main.js (metadata fields, schemas); returns its name. */
export async function saveTask(
  app: Ratchet,
  name: string,
  code: string,
  meta: Record<string, unknown> = {},
  inputSchema?: unknown,
  outputSchema?: unknown,
): Promise<string> {
  const files: Record<string, string> = {
    'metadata.json': JSON.stringify({ name, version: '1.0.0', ...meta }),
    'main.js': code,
  };
  if (inputSchema !== undefined) files['input.schema.json'] = JSON.stringify(inputSchema);
  if (outputSchema !== undefined) files['output.schema.json'] = JSON.stringify(outputSchema);
  await savePackage(app.store.db, loadTaskFromFiles(files, { kind: 'store' }), { changeSource: 'cli' });
  return name;
}

/** main.js of a task that keeps its thread busy for `ms` and returns its input. */
export const busyEchoCode = (ms: number): string =>
  `function main(i) { const end = Date.now() + ${ms}; while (Date.now() < end) {} return i; }`;
