// Blocking sleep for the synchronous sandbox (guest timers): Atomics.wait on a private buffer,
// in short slices so a cancellation is noticed quickly.
const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepMs(ms: number, isCancelled?: () => boolean): void {
  const end = Date.now() + ms;
  for (let left = ms; left > 0; left = end - Date.now()) {
    Atomics.wait(cell, 0, 0, Math.min(left, 20));
    if (isCancelled?.()) return;
  }
}
