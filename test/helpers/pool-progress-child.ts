// A child process for the host-budget tests: a real application (SQLite file in a temp folder) runs
// one task through the executor pool (a worker thread, as on a server) and prints what the main
// thread saw: the execution's status and error, how many progress events crossed from the thread,
// the last one, and (via max-rss.ts) the peak RSS. Usage: pool-progress-child.ts TASK_DIR TIMEOUT_MS
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRatchet } from '../../src/app.ts';
import { ConfigSchema } from '../../src/config/schema.ts';
import { closeDirectExecution, executeNow } from '../../src/services/direct-execution.ts';
import { savePackage } from '../../src/tasks/stored-versions.ts';
import type { ProgressEvent } from '../../src/runtime/types.ts';
import { loadTask } from '../../src/tasks/load.ts';

const [taskDir, timeout] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'ratchet-pool-child-'));
const app = await createRatchet(
  ConfigSchema.parse({ server: { database: { url: `sqlite://${join(dir, 'db.sqlite')}` } } }),
);
try {
  const pkg = await loadTask(taskDir!);
  await savePackage(app.store.db, pkg, { changeSource: 'cli' });
  const seen: ProgressEvent[] = [];
  const started = performance.now();
  const done = await executeNow(app, {
    task: pkg.metadata.name,
    input: {},
    timeoutMs: Number(timeout),
    onProgress: (e) => seen.push(e),
  });
  process.stdout.write(
    JSON.stringify({
      status: done.status,
      error: done.error,
      progressEvents: seen.length,
      last: seen.at(-1),
      elapsedMs: performance.now() - started,
    }),
  );
} finally {
  await closeDirectExecution(app);
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
