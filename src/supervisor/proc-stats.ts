// CPU and memory of a process from /proc (Linux), and the start time that tells a live pid from a
// reused one: a re-adopted process must be the one we started, not whatever got its pid since.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on every Linux the project supports.
const PAGE = 4096;

interface Stat {
  /** utime + stime, in ticks. */
  cpuTicks: number;
  /** Start time after boot, in ticks. */
  startTicks: number;
  rssBytes: number;
}

export function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return null;
    return {
      cpuTicks: Number(f[11]) + Number(f[12]),
      startTicks: Number(f[19]),
      rssBytes: Number(f[21]) * PAGE,
    };
  } catch {
    return null;
  }
}

/** True when `pid` is alive and (if given) started at `startTicks`. */
export function isSameProcess(pid: number, startTicks?: number): boolean {
  const s = readStat(pid);
  return s !== null && (startTicks === undefined || s.startTicks === startTicks);
}

/** CPU percent of one core since the previous sample of the same pid. */
export class CpuSampler {
  #last = new Map<number, { ticks: number; at: number }>();

  sample(pid: number): { cpuPercent: number; rssBytes: number } | null {
    const s = readStat(pid);
    if (!s) return null;
    const now = performance.now();
    const prev = this.#last.get(pid);
    this.#last.set(pid, { ticks: s.cpuTicks, at: now });
    const cpuPercent =
      prev && now > prev.at ? (((s.cpuTicks - prev.ticks) / TICKS) * 1000 * 100) / (now - prev.at) : 0;
    return { cpuPercent: Math.round(cpuPercent * 10) / 10, rssBytes: s.rssBytes };
  }
}

/**
 * True while a live process of group `pgid` remains. Zombies do not count: a grandchild whose
 * parent died waits for init to reap it, which in a container can take a second or more.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') return true;
    } catch {
      // Gone while we looked.
    }
  }
  return false;
}
