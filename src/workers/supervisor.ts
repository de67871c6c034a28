// Keeps the executor pool healthy: a thread that dies is restarted with exponential backoff (when
// restart_on_crash) and an idle thread that does not answer a health ping in time is replaced. A
// thread busy past its run's deadline or a cancel is the watchdog's (runtime/watchdog.ts), which
// has the pool replace it; the replacement restarts here at once.
import { backoffDelay } from '../backoff.ts';
import type { ExecutorPool } from './pool.ts';

export interface SupervisorOptions {
  restartOnCrash: boolean;
  /** Interval of health pings to idle threads (server.workers.health_check_interval_seconds). */
  healthCheckIntervalMs: number;
  /** Reports supervision events (restarts, replacements) to the process log. */
  log?: (message: string) => void;
}

const PING_TIMEOUT_MS = 5000;
const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 30_000;
/** A thread that ran this long without crashing resets its slot's backoff. */
const STABLE_MS = 60_000;

export class Supervisor {
  private readonly pool: ExecutorPool;
  private readonly opts: SupervisorOptions;
  private readonly failures = new Map<number, number>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private healthTimer?: NodeJS.Timeout;
  private pingId = 0;
  restarts = 0;

  constructor(pool: ExecutorPool, opts: SupervisorOptions) {
    this.pool = pool;
    this.opts = opts;
  }

  start(): void {
    this.healthTimer = setInterval(() => this.checkHealth(), this.opts.healthCheckIntervalMs);
    this.healthTimer.unref();
  }

  stop(): void {
    clearInterval(this.healthTimer);
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
  }

  /** A slot lost its thread; schedule its restart (replacements restart at once). */
  threadLost(index: number, why: string, startedAt: number, replaced = false): void {
    this.opts.log?.(why);
    if (!replaced && !this.opts.restartOnCrash) return;
    const slotAge = Date.now() - startedAt;
    const n = slotAge > STABLE_MS ? 0 : (this.failures.get(index) ?? 0);
    this.failures.set(index, n + 1);
    const delay = replaced ? 0 : backoffDelay({ initialMs: BACKOFF_START_MS, maxMs: BACKOFF_MAX_MS }, n);
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      this.restarts++;
      this.pool.restart(index);
    }, delay);
    this.restartTimers.add(timer);
  }

  private checkHealth(): void {
    const now = Date.now();
    for (const slot of this.pool.slots) {
      if (!slot || slot.runs.size > 0) continue;
      if (slot.ping && now - slot.ping.at > PING_TIMEOUT_MS) {
        this.pool.replace(
          slot,
          'WorkerCrashed',
          `executor thread ${slot.index} did not answer a health check`,
        );
        continue;
      }
      if (!slot.ping) {
        slot.ping = { id: ++this.pingId, at: now };
        slot.worker.postMessage({ type: 'ping', id: slot.ping.id });
      }
    }
  }
}
