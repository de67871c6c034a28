// WebAssembly module instances for the sandbox. quickjs's own memory limit is not a hard cap
// (upstream bug), so every instance gets its own WebAssembly.Memory with a fixed maximum: a task
// can never take more than that. An instance that hit its ceiling, or whose memory grew large,
// is dropped rather than reused, so one hungry task never taxes the next.
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import releaseSyncPackage from '@jitl/quickjs-wasmfile-release-sync';

// The package's typings describe its CommonJS shape; under ESM the default export is the variant.
const releaseSyncVariant = releaseSyncPackage as unknown as QuickJSSyncVariant;

// Node has WebAssembly at runtime; the project's `lib` (no DOM) does not declare it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number }) => WasmMemory;
  compile(bytes: Uint8Array): Promise<unknown>;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 64 * 1024;
/** Room above the task's heap limit for quickjs's runtime structures and the C stack. */
const OVERHEAD_BYTES = 16 * 1024 * 1024;
/** Memory a pooled instance may keep; larger ones are discarded on release to return RSS. */
const KEEP_BELOW_BYTES = 48 * 1024 * 1024;
const POOL_SIZE_PER_LIMIT = 4;

export interface PooledModule {
  module: QuickJSWASMModule;
  memory: WasmMemory;
  /** The WebAssembly memory ceiling in bytes. */
  ceilingBytes: number;
  /** Set when the instance trapped or hit its ceiling: it must never run again. */
  broken: boolean;
}

const idle = new Map<number, PooledModule[]>();
let wasmModule: Promise<unknown> | undefined;

function ceilingFor(memoryBytes: number): number {
  return Math.ceil((memoryBytes + OVERHEAD_BYTES) / PAGE) * PAGE;
}

/** The compiled WebAssembly code is shared; only instances (and their memories) are per sandbox. */
async function compiledWasm(): Promise<unknown> {
  wasmModule ??= (async () => {
    const { readFile } = await import('node:fs/promises');
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const file = require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
    return Wasm.compile(await readFile(file));
  })();
  return wasmModule;
}

async function createModule(memoryBytes: number): Promise<PooledModule> {
  const ceilingBytes = ceilingFor(memoryBytes);
  const memory = new Wasm.Memory({
    initial: Math.min(256, ceilingBytes / PAGE),
    maximum: ceilingBytes / PAGE,
  });
  const compiled = await compiledWasm();
  const variant = newVariant(releaseSyncVariant, {
    wasmMemory: memory as never,
    wasmModule: compiled as never,
  });
  const module = await newQuickJSWASMModuleFromVariant(variant);
  return { module, memory, ceilingBytes, broken: false };
}

/** An instance whose memory ceiling suits `memoryBytes`, from the pool when one is idle. */
export async function acquireModule(memoryBytes: number): Promise<PooledModule> {
  const list = idle.get(ceilingFor(memoryBytes));
  const pooled = list?.pop();
  return pooled ?? createModule(memoryBytes);
}

/** Synchronous variant for callers that prepared the pool with `warmModules`. */
export function tryAcquireModuleSync(memoryBytes: number): PooledModule | undefined {
  return idle.get(ceilingFor(memoryBytes))?.pop();
}

export function releaseModule(pooled: PooledModule): void {
  if (pooled.broken || pooled.memory.buffer.byteLength > KEEP_BELOW_BYTES) return;
  const key = pooled.ceilingBytes;
  const list = idle.get(key) ?? [];
  if (list.length < POOL_SIZE_PER_LIMIT) list.push(pooled);
  idle.set(key, list);
}

/** Pre-create instances so the first executions do not pay for instantiation. */
export async function warmModules(memoryBytes: number, count = 1): Promise<void> {
  const made = await Promise.all(Array.from({ length: count }, () => createModule(memoryBytes)));
  for (const m of made) releaseModule(m);
}
