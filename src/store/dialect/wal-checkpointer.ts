// SQLite WAL checkpoints on a thread of their own. By default the connection that commits past
// 1,000 WAL pages runs the checkpoint inline: it copies the pages into the database file and
// fsyncs both files (synchronous = NORMAL syncs at checkpoints), so every few dozen commits a
// busy worker's event loop stalls on disk I/O. While this thread runs, a second connection of its
// own runs PASSIVE checkpoints every few hundred milliseconds (they take no lock writers wait on and
// skip pages a reader still needs), and the main connection's automatic checkpoint only moves to a
// larger threshold as a backstop, should the thread fall behind or die. A thread costs ~20 MB of
// resident memory, so it starts only with work (a claim that returned jobs) and ends itself once
// its checkpoints found nothing new for a while (IDLE_TICKS); the next busy claim starts another.
import { Worker } from 'node:worker_threads';
import type { DatabaseSync } from 'node:sqlite';

/** The main connection checkpoints itself only past this many WAL pages (4 KB each) meanwhile. */
export const BACKSTOP_PAGES = 10_000;
const EVERY_MS = 200;
/** Checkpoints in a row with no commit between them before the thread ends: 5 s. */
const IDLE_TICKS = 25;

const THREAD = `
const { DatabaseSync } = require('node:sqlite');
const { workerData, parentPort } = require('node:worker_threads');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 1000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
// Changes whenever another connection commits.
const version = db.prepare('PRAGMA data_version');
let last = -1;
let same = 0;
let stopped = false;
const stop = () => {
  if (stopped) return;
  stopped = true;
  clearInterval(timer);
  db.close();
  parentPort.close();
};
const timer = setInterval(() => {
  try {
    checkpoint.get();
    const seen = version.get().data_version;
    if (seen !== last) (last = seen), (same = 0);
    else if (++same >= workerData.idleTicks) stop();
  } catch {}
}, workerData.everyMs);
parentPort.once('message', stop);
`;

export interface CheckpointerOptions {
  everyMs?: number;
  idleTicks?: number;
}

export class WalCheckpointer {
  private worker?: Worker;
  private readonly raw: DatabaseSync;
  private readonly file: string;
  private readonly opts: Required<CheckpointerOptions>;

  constructor(raw: DatabaseSync, file: string, opts: CheckpointerOptions = {}) {
    this.raw = raw;
    this.file = file;
    this.opts = { everyMs: opts.everyMs ?? EVERY_MS, idleTicks: opts.idleTicks ?? IDLE_TICKS };
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the thread unless one runs; the main connection keeps only the backstop meanwhile. */
  start(): void {
    if (this.worker) return;
    const worker = new Worker(THREAD, { eval: true, workerData: { file: this.file, ...this.opts } });
    worker.unref();
    // A thread that ends (idle) or fails leaves checkpoints to the main connection again, at the
    // usual threshold.
    worker.on('error', () => this.restoreInline());
    worker.on('exit', () => {
      if (this.worker === worker) this.restoreInline();
    });
    this.worker = worker;
    this.raw.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  }

  private restoreInline(): void {
    this.worker = undefined;
    if (this.raw.isOpen) this.raw.exec('PRAGMA wal_autocheckpoint = 1000');
  }

  /** Ends the thread and waits for its connection to close (the last connection's close checkpoints). */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    // Keep the process alive until the thread's connection is closed.
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await exited;
  }
}
