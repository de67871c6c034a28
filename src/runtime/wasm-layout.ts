// Where the QuickJS WebAssembly build keeps its state, read from the binary itself. Emscripten lays
// linear memory out as [static data + bss][stack][heap]: the module's only global is the stack
// pointer, whose initial value is the top of the stack (and the start of the heap); the stack
// below it is STACK_BYTES long (quickjs-emscripten builds with STACK_SIZE=5MB). Between two runs
// no WebAssembly frame is live, so everything that matters is static data + bss and the heap;
// memory-snapshot.ts copies exactly those.
//
// The heap grows only through sbrk, whose break emscripten keeps in one static word initialised
// to the heap's start (`sbrk_val = &__heap_base`): the one word of the data segments holding the
// stack top. Reading it tells the snapshot where the heap ends without reading the never-touched
// pages above it (see memory-snapshot.ts).

/** quickjs-emscripten's STACK_SIZE. */
const STACK_BYTES = 5 * 1024 * 1024;

export interface WasmLayout {
  /** End of static data and bss (the bottom of the stack). */
  staticEnd: number;
  /** Top of the stack, where the heap starts. */
  heapStart: number;
  /** Address of the static word holding sbrk's break, when the binary has exactly one candidate. */
  breakAddress?: number;
}

class Reader {
  pos = 0;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('unexpected end of the WebAssembly binary');
    return this.bytes[this.pos++]!;
  }
  /** Unsigned LEB128. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  /** Signed LEB128 (i32 constants). */
  i32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  }
}

const GLOBAL_SECTION = 6;
const DATA_SECTION = 11;
const I32_TYPE = 0x7f;
const I32_CONST = 0x41;
const END = 0x0b;

/**
 * The layout, or undefined when the binary is not shaped as expected (then no snapshot is taken
 * and every run builds its context from scratch).
 */
export function readWasmLayout(bytes: Uint8Array): WasmLayout | undefined {
  const r = new Reader(bytes);
  r.pos = 8; // magic + version
  let stackTop: number | undefined;
  let globals = 0;
  let dataEnd = 0;
  const segments: { offset: number; bytes: Uint8Array }[] = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === GLOBAL_SECTION) {
      globals = r.u32();
      // The first global: a mutable i32 initialised by a constant (the stack pointer).
      if (r.byte() !== I32_TYPE || r.byte() !== 1 || r.byte() !== I32_CONST) return undefined;
      stackTop = r.i32();
    } else if (id === DATA_SECTION) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        if (r.u32() !== 0) return undefined; // only active segments of memory 0 expected
        if (r.byte() !== I32_CONST) return undefined;
        const offset = r.i32();
        if (r.byte() !== END) return undefined;
        const length = r.u32();
        dataEnd = Math.max(dataEnd, offset + length);
        segments.push({ offset, bytes: bytes.subarray(r.pos, r.pos + length) });
        r.pos += length;
      }
    }
    r.pos = end;
  }
  // Any other mutable global would hold state outside linear memory that a snapshot cannot restore.
  if (globals !== 1 || stackTop === undefined) return undefined;
  const staticEnd = stackTop - STACK_BYTES;
  if (staticEnd < dataEnd) return undefined;
  const breakAddress = wordHolding(segments, dataEnd, stackTop >>> 0);
  return { staticEnd, heapStart: stackTop, ...(breakAddress === undefined ? {} : { breakAddress }) };
}

/**
 * The address of the only aligned 32-bit word of static data equal to `value`, or undefined when
 * there are none or several. Read from the data as it is laid out in memory: the linker drops a
 * segment's trailing zero bytes, so a word may end in the zeros between two segments.
 */
function wordHolding(
  segments: { offset: number; bytes: Uint8Array }[],
  dataEnd: number,
  value: number,
): number | undefined {
  const image = new Uint8Array(dataEnd + 4);
  for (const { offset, bytes } of segments) image.set(bytes, offset);
  const view = new DataView(image.buffer);
  let found: number | undefined;
  for (let at = 0; at + 4 <= image.length; at += 4) {
    if (view.getUint32(at, true) !== value) continue;
    if (found !== undefined) return undefined;
    found = at;
  }
  return found;
}
