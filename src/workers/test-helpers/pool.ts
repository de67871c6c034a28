// Shared by the executor pool's tests: a run of an inline task as the queue worker would send it,
// and a pool with the test defaults (real threads, restarts on, the default runtime limits).
import { ExecutorPool, type PoolOptions, type RunRequest } from '../pool.ts';
import { DEFAULT_RUNTIME_LIMITS } from '../../runtime/run-task.ts';
import { defaultHttpOptions } from '../../http/client.ts';

/** `main.js` source and a task name: the files of version 1.0.0 that every request carries. */
export function inlineTask(name: string, main: string): Record<string, string> {
  return { 'metadata.json': JSON.stringify({ name, version: '1.0.0' }), 'main.js': main };
}

export function poolRequest(
  files: Record<string, string>,
  jobId: number,
  input: unknown,
  timeoutMs = 60_000,
): RunRequest {
  const name = (JSON.parse(files['metadata.json']!) as { name: string }).name;
  return {
    jobId,
    executionId: jobId,
    executionUuid: `exec-${jobId}`,
    versionId: 1,
    files: () => files,
    label: `${name}@1.0.0`,
    input,
    timeoutMs,
    context: { taskId: 't', taskVersion: '1.0.0', jobId: String(jobId) },
  };
}

/** `Pool`: another build of the class (the built package's, dist/workers/pool.js). */
export function testPool(over: Partial<PoolOptions> = {}, Pool = ExecutorPool): ExecutorPool {
  return new Pool({
    size: 1,
    http: { ...defaultHttpOptions },
    limits: DEFAULT_RUNTIME_LIMITS,
    restartOnCrash: true,
    healthCheckIntervalMs: 1000,
    ...over,
  });
}
