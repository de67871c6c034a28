// The executor thread's entry point. A worker thread does not inherit the main thread's V8 compile
// cache (the CLI enables it for its own thread only), so the thread enables it before it loads its
// modules: compiling them is most of a thread's start-up after the first, and every pool start, a
// thread replaced after a timeout or crash, and a dormant slot waking up pays that start-up.
// (NODE_DISABLE_COMPILE_CACHE turns it off, as for the CLI.) It also steps its priority below the
// main thread's first (thread-priority.ts). Built (dist/), it loads the executor thread as one
// bundled file (tools/bundle.ts: ~8 ms against ~21 ms for its modules one by one);
// from src/ it loads the TypeScript modules themselves.
import nodeModule from 'node:module';
import { lowerThreadPriority } from './thread-priority.ts';

lowerThreadPriority();
nodeModule.enableCompileCache?.();
await import(import.meta.url.endsWith('.ts') ? './executor-thread.ts' : './executor-thread.bundle.js');
