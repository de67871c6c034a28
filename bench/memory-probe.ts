// Preloaded into the server under test by bench/idle-memory.ts (`--import`): on SIGUSR2 it writes
// the main thread's V8 heap figures to the file named by RATCHET_MEMORY_PROBE_FILE, so the bench can
// split the process's RSS into the main JS heap and everything else (threads, WebAssembly, code).
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const file = process.env.RATCHET_MEMORY_PROBE_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    const mb = (n: number): number => Math.round((n / 1048576) * 10) / 10;
    const heap = getHeapStatistics();
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [
        s.space_name,
        { committedMb: mb(s.physical_space_size), usedMb: mb(s.space_used_size) },
      ]),
    );
    const usage = process.memoryUsage();
    writeFileSync(
      file,
      JSON.stringify({
        heapCommittedMb: mb(heap.total_physical_size),
        heapUsedMb: mb(heap.used_heap_size),
        externalMb: mb(usage.external),
        arrayBuffersMb: mb(usage.arrayBuffers),
        mallocedMb: mb(heap.malloced_memory),
        spaces,
      }),
    );
  });
}
