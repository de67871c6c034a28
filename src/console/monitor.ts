// `monitor`: a live full-screen view, redrawn every second, of the queue depth by state (and
// whether claiming is paused), throughput, success rate and p50/p99 duration over the last
// minute, the workers and the latest failures, until `q` or Ctrl-C. Without a terminal (a script,
// piped stdin) or with --json it prints one snapshot.
import { ConsoleUsageError } from './args.ts';
import type { CommandContext, Sub } from './commands.ts';
import { json } from './format.ts';

type Row = Record<string, unknown>;

const STATES = ['QUEUED', 'RETRYING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'];

const ms = (v: unknown) => (v === null || v === undefined ? '-' : `${Number(v)} ms`);

/** The view's lines for one snapshot, clipped to the width. */
export function renderMonitor(s: Row, where: string, columns: number): string[] {
  const depth = (s.depth as Row | undefined) ?? {};
  const w = (s.workers as Row | undefined) ?? {};
  const rate =
    s.successRate === null || s.successRate === undefined
      ? '-'
      : `${(Number(s.successRate) * 100).toFixed(1)}%`;
  const lines = [
    `Ratchet monitor — ${where} — ${String(s.at)}   (q or Ctrl-C leaves)`,
    '',
    `queue      ${s.paused === true ? 'PAUSED (job resume restarts claiming)' : 'claiming'}`,
    `depth      ${STATES.map((k) => `${k} ${Number(depth[k] ?? 0)}`).join('  ')}`,
    `oldest     ${Number(s.oldestQueuedAgeSeconds ?? 0).toFixed(1)} s queued`,
    `last ${String(s.windowSeconds ?? 60)} s  ${String(s.jobsPerSecond ?? 0)} jobs/s   success ${rate}   p50 ${ms(s.p50Ms)}   p99 ${ms(s.p99Ms)}`,
    `workers    ${Number(w.online ?? 0)} online, ${Number(w.busy ?? 0)}/${Number(w.capacity ?? 0)} slots busy`,
    '',
    'last failures',
  ];
  const failures = (s.lastFailures as Row[] | undefined) ?? [];
  if (failures.length === 0) lines.push('  (none)');
  for (const f of failures)
    lines.push(`  #${String(f.executionId)}  ${String(f.task)}  ${String(f.at)}  ${String(f.error)}`);
  return lines.map((l) => (l.length > columns ? `${l.slice(0, Math.max(0, columns - 1))}…` : l));
}

export const MONITOR: Sub = {
  usage: 'monitor [--interval SECONDS]',
  summary: 'live view of the queue, throughput, success rate, p50/p99, workers and failures (q leaves)',
  flags: ['interval'],
  arity: 0,
  run: async (a, c: CommandContext) => {
    const interval = Number(a.opts.interval ?? '1');
    if (!(interval >= 0.2 && interval <= 3600))
      throw new ConsoleUsageError(`--interval must be a number of seconds from 0.2 to 3600`, MONITOR.usage);
    if (a.json || !c.live) {
      const s = await c.client.monitor();
      if (a.json) json(c.out, s);
      else for (const l of renderMonitor(s, c.client.where, c.out.columns)) c.out.write(`${l}\n`);
      return;
    }
    await c.live(async (columns) => {
      try {
        return renderMonitor(await c.client.monitor(), c.client.where, columns);
      } catch (err) {
        return [
          `Ratchet monitor — ${c.client.where}   (q or Ctrl-C leaves)`,
          '',
          `error: ${(err as Error).message}`,
        ];
      }
    }, interval * 1000);
  },
};
