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
import { NEAR_CEILING, type PreparedContext } from './prepared-context.ts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readWasmLayout, type WasmLayout } from './wasm-layout.ts';
import { requireInternal } from './quickjs-internals.ts';

// The package's typings describe its CommonJS shape; under ESM the default export is the variant.
const releaseSyncVariant = releaseSyncPackage as unknown as QuickJSSyncVariant;

// Node has WebAssembly at runtime; the project's `lib` (no DOM) does not declare it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number }) => WasmMemory;
  compile(bytes: Uint8Array): Promise<unknown>;
  Module: new (bytes: Uint8Array) => unknown;
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
  /** Where the build keeps its state (snapshots copy it). */
  layout: WasmLayout;
  /** The snapshotted context every run of this instance starts from (built on first use). */
  prepared?: PreparedContext;
}

const idle = new Map<number, PooledModule[]>();
let wasmModule: Promise<CompiledWasm> | undefined;

function ceilingFor(memoryBytes: number): number {
  return Math.ceil((memoryBytes + OVERHEAD_BYTES) / PAGE) * PAGE;
}

export interface CompiledWasm {
  /** A WebAssembly.Module: it can be posted to other threads, which then share its code. */
  compiled: unknown;
  layout: WasmLayout;
}

function layoutOf(bytes: Uint8Array): WasmLayout {
  return requireInternal(
    readWasmLayout(bytes),
    'its WebAssembly binary has no recognisable stack pointer and data segments',
  );
}

/** The compiled WebAssembly code is shared; only instances (and their memories) are per sandbox. */
async function compiledWasm(): Promise<CompiledWasm> {
  wasmModule ??= (async () => {
    const { readFile } = await import('node:fs/promises');
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const bytes = await readFile(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
    return { compiled: await Wasm.compile(bytes), layout: layoutOf(bytes) };
  })();
  return wasmModule;
}

/**
 * The module compiled in this thread, at once (V8 compiles a function when it first runs, so this
 * is cheap), for executor threads: a thread given it shares the code the others already compiled
 * instead of compiling every function again as it first runs it.
 */
export function compiledWasmForThreads(): CompiledWasm {
  if (!sharedForThreads) {
    const require = createRequire(import.meta.url);
    const bytes = readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
    sharedForThreads = { compiled: new Wasm.Module(bytes), layout: layoutOf(bytes) };
  }
  return sharedForThreads;
}
let sharedForThreads: CompiledWasm | undefined;

/** In an executor thread: use the module the pool compiled (see compiledWasmForThreads). */
export function useCompiledWasm(wasm: CompiledWasm): void {
  wasmModule = Promise.resolve(wasm);
}

/** The build's memory layout; for tests. */
export async function wasmLayout(): Promise<WasmLayout> {
  return (await compiledWasm()).layout;
}

async function createModule(memoryBytes: number): Promise<PooledModule> {
  const ceilingBytes = ceilingFor(memoryBytes);
  const memory = new Wasm.Memory({
    initial: Math.min(256, ceilingBytes / PAGE),
    maximum: ceilingBytes / PAGE,
  });
  const { compiled, layout } = await compiledWasm();
  const variant = newVariant(releaseSyncVariant, {
    wasmMemory: memory as never,
    wasmModule: compiled as never,
  });
  const module = await newQuickJSWASMModuleFromVariant(variant);
  return { module, memory, ceilingBytes, broken: false, layout };
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
  const size = pooled.memory.buffer.byteLength;
  if (pooled.broken || size > KEEP_BELOW_BYTES || size >= pooled.ceilingBytes - NEAR_CEILING) return;
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
