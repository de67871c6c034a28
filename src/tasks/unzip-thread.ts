// Decompression off the event loop: inflating an archive of a few hundred KB took over a second
// on the main thread, during which /health and every other request waited (issue 12 item 7).
// Listing entries (no inflation) stays on the caller's thread; the inflation runs here in a thread.
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL(
  `./unzip-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/** The named entries of `data`, decompressed in a worker thread. Rejects with fflate's message. */
export function unzipOffThread(
  data: Uint8Array,
  names: readonly string[],
): Promise<Record<string, Uint8Array>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { data, names: [...names] } });
    let settled = false;
    worker.once(
      'message',
      (m: { ok: true; files: Record<string, Uint8Array> } | { ok: false; message: string }) => {
        settled = true;
        if (m.ok) resolve(m.files);
        else reject(new Error(m.message));
        void worker.terminate();
      },
    );
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the unzip thread exited with code ${code}`));
    });
  });
}
