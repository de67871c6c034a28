// A copy of a WebAssembly instance's state (static data + bss, and the heap up to its highest
// written byte), taken right after a context was built, and written back before every run: each
// run then starts from memory byte-for-byte identical to a context that never ran anything. A
// fresh runtime + context + globals costs ~0.2 ms in this build; copying ~200 KB back costs ~5 µs.
// Memory above the snapshot's heap end is free space to the restored allocator (QuickJS zeroes
// what it allocates), so it need not be copied.
import type { WasmLayout } from './wasm-layout.ts';

/**
 * Dead stack below the bss end is copied too, as a margin in case a future build places a little
 * more static data than the layout says; copying dead stack is harmless.
 */
const MARGIN = 16 * 1024;
const PAGE = 4096;

export class MemorySnapshot {
  private readonly layout: WasmLayout;
  private readonly low: Uint8Array;
  private readonly heap: Uint8Array;

  constructor(memory: ArrayBuffer, layout: WasmLayout) {
    this.layout = layout;
    const bytes = new Uint8Array(memory);
    this.low = bytes.slice(0, Math.min(layout.heapStart, layout.staticEnd + MARGIN));
    this.heap = bytes.slice(layout.heapStart, heapEnd(memory, layout.heapStart, heapCeiling(memory, layout)));
  }

  get size(): number {
    return this.low.length + this.heap.length;
  }

  /** Only between runs: no WebAssembly frame may be live (the stack is not part of the copy). */
  restore(memory: ArrayBuffer): void {
    const bytes = new Uint8Array(memory);
    bytes.set(this.low, 0);
    bytes.set(this.heap, this.layout.heapStart);
  }
}

/** At most the bytes a snapshot of `memory` now would copy (known before copying anything). */
export function snapshotBytesAtMost(memory: ArrayBuffer, layout: WasmLayout): number {
  const low = Math.min(layout.heapStart, layout.staticEnd + MARGIN);
  return low + Math.max(0, heapCeiling(memory, layout) - layout.heapStart);
}

/**
 * Where the scan for the heap's end starts: sbrk's break when the layout located it (nothing above
 * the break was ever handed out, so nothing there belongs to the context; bytes an allocator trim
 * left there are garbage, like those a run leaves), else the top of memory. Pages above the break
 * were never touched, and reading them is what made the scan slow: the kernel maps each on first
 * read (25-55 ms for the 11 MB above a fresh context on this VM, per thread start and per
 * one-shot run).
 */
function heapCeiling(memory: ArrayBuffer, layout: WasmLayout): number {
  if (layout.breakAddress === undefined) return memory.byteLength;
  const brk = new DataView(memory).getUint32(layout.breakAddress, true);
  // A break outside the heap means the word is not sbrk's after all: scan the whole memory.
  if (brk < layout.heapStart || brk > memory.byteLength) return memory.byteLength;
  return Math.min(memory.byteLength, Math.ceil(brk / CHUNK) * CHUNK);
}

const CHUNK = 64 * 1024;
const ZERO_CHUNK = Buffer.alloc(CHUNK);

/**
 * The page boundary above the highest non-zero byte of the heap below `ceiling` (fresh memory is
 * all zero).
 * Without a known break that is tens of MB of mostly zeros, so 64 KiB chunks are first compared
 * with a zero chunk natively (memcmp); below the break it is a chunk or two.
 */
function heapEnd(memory: ArrayBuffer, heapStart: number, ceiling: number): number {
  let top = ceiling;
  while (top - CHUNK >= heapStart) {
    const chunk = Buffer.from(memory, top - CHUNK, CHUNK);
    if (Buffer.compare(chunk, ZERO_CHUNK) !== 0) break;
    top -= CHUNK;
  }
  const words = new Uint32Array(memory, 0, top >>> 2);
  let i = words.length - 1;
  const first = heapStart >>> 2;
  while (i >= first && words[i] === 0) i--;
  const end = (i + 1) * 4;
  return Math.min(memory.byteLength, Math.ceil(end / PAGE) * PAGE);
}
