// For the sandbox's own tests: one run in a given WebAssembly instance (so tests can look at what
// the instance keeps between runs), with no network and the log lines collected.
import assert from 'node:assert/strict';
import { runInModule } from './engine.ts';
import type { PooledModule } from './module-pool.ts';
import type { SandboxResult } from './types.ts';

export interface InstanceRun {
  input?: unknown;
  /** Receives the run's log lines. */
  logs?: string[];
  timeoutMs?: number;
}

export function runInInstance(pooled: PooledModule, code: string, opts: InstanceRun = {}): SandboxResult {
  return runInModule(
    pooled,
    {
      code,
      fileName: 'main.js',
      inputJson: JSON.stringify(opts.input ?? {}),
      context: { executionId: 'e', taskId: 't', taskVersion: '1.0.0', jobId: null },
      limits: { timeoutMs: opts.timeoutMs ?? 2000, memoryBytes: 32 * 1024 * 1024, stackBytes: 256 * 1024 },
    },
    {
      fetch: (request) => ({
        request,
        error: { type: 'NetworkError', message: 'no network in this test' },
        startedAt: new Date().toISOString(),
        durationMs: 0,
      }),
      onLog: (e) => opts.logs?.push(e.message),
    },
  );
}

/** The run's output, asserting it completed. */
export function outputOf(r: SandboxResult): unknown {
  assert.equal(r.ok, true, JSON.stringify(r.error));
  return JSON.parse(r.outputJson!);
}
