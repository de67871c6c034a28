// Worker thread behind the MCP quality tools: loads a stored package from its files and runs one
// quality job (src/quality/ops.ts). Sandboxes block the thread that runs them, so this
// never runs on the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { runQualityJob, type QualityEnv, type QualityJob } from '../quality/ops.ts';
import { BreakpointError } from '../quality/breakpoints.ts';
import { SourceError } from '../quality/source.ts';

export interface QualityThreadData {
  files: Record<string, string>;
  label: string;
  job: QualityJob;
  env: QualityEnv;
}

const data = workerData as QualityThreadData;
try {
  const pkg = loadTaskFromFiles(data.files, { kind: 'store', path: data.label });
  const result = await runQualityJob(pkg, data.label, data.job, data.env);
  parentPort!.postMessage({ ok: true, result });
} catch (err) {
  // Bad arguments (a breakpoint on nothing, main.js that does not parse) are the caller's to fix.
  const input = err instanceof BreakpointError || err instanceof SourceError;
  parentPort!.postMessage({ ok: false, input, message: err instanceof Error ? err.message : String(err) });
}
