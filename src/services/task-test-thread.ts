// Worker thread behind the task `test` action: loads the stored package from its files and runs its
// test cases with the real runner. Sandboxes block the thread that runs them, so this never runs on
// the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { runTaskTests, type TestRunOptions } from '../testing/runner.ts';

export interface TaskTestThreadData {
  files: Record<string, string>;
  label: string;
  options: Pick<
    TestRunOptions,
    'filter' | 'bail' | 'parallel' | 'limits' | 'http' | 'offline' | 'collectGlobal'
  >;
}

const data = workerData as TaskTestThreadData;
try {
  const pkg = loadTaskFromFiles(data.files, { kind: 'store', path: data.label });
  const report = await runTaskTests(pkg, data.options);
  parentPort!.postMessage({ ok: true, report });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
