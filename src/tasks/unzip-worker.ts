// Thread body for unzipOffThread: decompresses the named entries of one archive and posts them
// back (their buffers transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { unzipSync } from 'fflate';

const { data, names } = workerData as { data: Uint8Array; names: string[] };
const wanted = new Set(names);
try {
  const files = unzipSync(data, { filter: (f) => wanted.has(f.name) });
  parentPort!.postMessage(
    { ok: true, files },
    Object.values(files).map((b) => b.buffer),
  );
} catch (err) {
  parentPort!.postMessage({ ok: false, message: (err as Error).message });
}
