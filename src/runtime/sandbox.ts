// The sandbox entry point: borrow a WebAssembly instance, run, give it back (or drop it when the
// run broke it). Everything about a single run lives in engine.ts.
import { acquireModule, releaseModule } from './module-pool.ts';
import { runInModule } from './engine.ts';
import type { SandboxHooks, SandboxRequest, SandboxResult } from './types.ts';

export async function runSandbox(req: SandboxRequest, hooks: SandboxHooks): Promise<SandboxResult> {
  const pooled = await acquireModule(req.limits.memoryBytes);
  try {
    return runInModule(pooled, req, hooks);
  } finally {
    releaseModule(pooled);
  }
}
