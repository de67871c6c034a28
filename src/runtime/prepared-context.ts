// A QuickJS runtime + context with Ratchet's globals, built once per WebAssembly instance and
// snapshotted; every run begins by writing the snapshot back, so each run sees a context that
// never ran anything (DESIGN: never reuse a JS context across executions; this gives the same
// guarantee at a fraction of the cost, see docs/architecture.md). Host-side state that lives
// outside linear memory is handled explicitly: the interrupt handler and the host functions reach
// the current run through `state`, host reference ids are pinned (host-refs.ts), and the memory
// and stack limits are set again for each run.
import {
  Lifetime,
  type JSValue,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
} from 'quickjs-emscripten-core';
import type { PooledModule } from './module-pool.ts';
import { installGlobals, type GuestGlobals, type RunState } from './globals.ts';
import { trackHostRefs, type PinnedHostRefs } from './host-refs.ts';
import { MemorySnapshot, snapshotBytesAtMost } from './memory-snapshot.ts';
import { requireInternal } from './quickjs-internals.ts';
import type { RunRecorder } from './recorder.ts';
import type { SandboxLimits, TaskErrorInfo } from './types.ts';
import { EntrySnapshots, MAX_ENTRY_BYTES, watchingClock, type EntrySnapshot } from './entry-snapshots.ts';
import { resolveEntry } from './entry.ts';

/** An instance whose memory grew this close to its ceiling is not reused (module-pool.ts). */
export const NEAR_CEILING = 2 * 1024 * 1024;

export interface ActiveRun extends RunState {
  /** Polled by QuickJS's interrupt handler; true stops the guest. */
  shouldInterrupt(): boolean;
}

export function newRun(rec: RunRecorder, deadline: number, shouldInterrupt: () => boolean): ActiveRun {
  return {
    rec,
    timers: new Map(),
    nextTimerId: 1,
    fetchDeadline: deadline,
    shouldInterrupt,
    halted: shouldInterrupt,
  };
}

export class PreparedContext {
  readonly rt: QuickJSRuntime;
  readonly ctx: QuickJSContext;
  readonly globals: GuestGlobals;
  private readonly snapshot: MemorySnapshot;
  private readonly hostRefs: PinnedHostRefs;
  private active?: ActiveRun;
  private readonly memory: { buffer: ArrayBuffer };
  private readonly ceilingBytes: number;
  private readonly layout: PooledModule['layout'];
  /** Address of the JSRuntime's malloc_size. */
  private readonly mallocSizeAt: number;
  /** The largest QuickJS heap seen during the current run (sampled at interrupts). */
  peakHeapBytes = 0;
  /** States right after main.js was evaluated, by its text (entry-snapshots.ts). */
  private readonly entries = new EntrySnapshots();
  /** True while the interrupt handler runs: its clock reads are the host's, not the guest's. */
  private interrupting = false;

  /** Throws QuickJSInternalsError when quickjs-emscripten is not laid out as this code expects. */
  constructor({ module, memory, ceilingBytes, layout }: Omit<PooledModule, 'broken' | 'prepared'>) {
    this.memory = memory;
    this.ceilingBytes = ceilingBytes;
    this.layout = layout;
    this.rt = module.newRuntime();
    this.mallocSizeAt = requireInternal(
      locateMallocSize(this.rt, memory),
      'its runtime has no JSRuntime pointer (rt.value) with malloc_size where QuickJS keeps it',
    );
    const hostRefs = requireInternal(trackHostRefs(this.rt), 'its runtime has no hostRefs table');
    this.rt.setInterruptHandler(() => {
      this.interrupting = true;
      try {
        this.peakHeapBytes = Math.max(this.peakHeapBytes, this.heapBytes());
        return this.active?.shouldInterrupt() ?? false;
      } finally {
        this.interrupting = false;
      }
    });
    this.ctx = this.rt.newContext();
    this.globals = installGlobals(this.ctx, () => this.state());
    // Handles quickjs-emscripten creates lazily must exist before the snapshot, or a handle made
    // during a run would point into memory the next restore takes back.
    void [this.ctx.global, this.ctx.undefined, this.ctx.null, this.ctx.true, this.ctx.false];
    hostRefs.pin();
    this.hostRefs = hostRefs;
    this.snapshot = new MemorySnapshot(memory.buffer, layout);
  }

  /** Bytes written back before each run. */
  get snapshotBytes(): number {
    return this.snapshot.size;
  }

  /**
   * Whether the current run ran out of memory: QuickJS's allocation counter neared its limit (it
   * counts allocations, not bytes, in this build), or the WebAssembly memory is at its ceiling
   * (instances near their ceiling are never reused, so that is this run's doing).
   */
  memoryExhausted(limitBytes: number): boolean {
    return (
      this.peakHeapBytes >= limitBytes * 0.75 ||
      this.memory.buffer.byteLength >= this.ceilingBytes - NEAR_CEILING
    );
  }

  /** The instance's WebAssembly memory now. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** The allocation counter QuickJS checks its memory limit against. */
  heapBytes(): number {
    return new Uint32Array(this.memory.buffer, this.mallocSizeAt, 1)[0]!;
  }

  private state(): ActiveRun {
    if (!this.active) throw new Error('a sandbox host function was called outside a run');
    return this.active;
  }

  /** The state a run of `code` may start from, main.js already evaluated, when one was kept. */
  entryFor(code: string, fileName: string): EntrySnapshot | undefined {
    return this.entries.get(code, fileName);
  }

  /** Starts a run: pristine memory (or `from`'s), this run's limits and hooks. */
  begin(run: ActiveRun, limits: SandboxLimits, from?: EntrySnapshot): void {
    (from?.snapshot ?? this.snapshot).restore(this.memory.buffer);
    this.hostRefs.resetRun();
    this.rt.setMemoryLimit(limits.memoryBytes);
    this.rt.setMaxStackSize(limits.stackBytes);
    this.peakHeapBytes = 0;
    this.active = run;
  }

  /** The task function of a run begun from `from` (no disposer: the next restore takes it back). */
  entryHandle(from: EntrySnapshot): QuickJSHandle {
    const pointer = from.entryPointer as JSValue['value'];
    return new Lifetime<JSValue['value'], JSValue['value'], QuickJSRuntime>(
      pointer,
      undefined,
      undefined,
      this.rt,
    );
  }

  /**
   * Evaluates main.js at the start of a run and finds the task function. With `keep`, when the
   * evaluation called no host function and read no clock, the state it left is kept for the next
   * runs of the same code (entry-snapshots.ts).
   */
  evaluateEntry(
    code: string,
    fileName: string,
    keep: boolean,
  ): { handle: QuickJSHandle } | { error: TaskErrorInfo } {
    if (!keep) return resolveEntry(this.ctx, code, fileName);
    const callsBefore = this.hostRefs.calls;
    const { value: entry, clockRead } = watchingClock(
      () => resolveEntry(this.ctx, code, fileName),
      () => this.interrupting,
    );
    const deterministic = !clockRead && this.hostRefs.calls === callsBefore && !this.active?.halted();
    if (
      'handle' in entry &&
      deterministic &&
      // Sized before copying: a task that builds 100 MB at load must not pay a 100 MB copy per run.
      snapshotBytesAtMost(this.memory.buffer, this.layout) <= MAX_ENTRY_BYTES
    ) {
      this.entries.add(code, {
        snapshot: new MemorySnapshot(this.memory.buffer, this.layout),
        fileName,
        entryPointer: entry.handle.value,
      });
    }
    return entry;
  }

  /** Ends the run: releases the handles of timers it left pending. */
  end(): void {
    const run = this.active;
    this.active = undefined;
    for (const t of run?.timers.values() ?? []) t.fn.dispose();
    run?.timers.clear();
  }

  dispose(): void {
    this.globals.dispose();
    this.ctx.dispose();
    this.rt.dispose();
  }
}

/**
 * QuickJS throws `null` when it cannot even allocate the "out of memory" error, so telling that
 * apart from a task's own `throw null` needs the heap size: JSRuntime starts with four allocator
 * function pointers followed by malloc_count, malloc_size and malloc_limit (32-bit here). The
 * offset is confirmed by setting a limit and reading it back.
 */
function locateMallocSize(rt: QuickJSRuntime, memory: { buffer: ArrayBuffer }): number | undefined {
  const pointer = (rt as unknown as { rt?: { value?: unknown } }).rt?.value;
  if (typeof pointer !== 'number' || pointer % 4 !== 0) return undefined;
  const probe = 0x5eed_1234;
  rt.setMemoryLimit(probe);
  const words = new Uint32Array(memory.buffer, pointer, 8);
  const found = words[6] === probe && words[5]! > 0 && words[5]! < probe;
  rt.setMemoryLimit(-1);
  return found ? pointer + 20 : undefined;
}
