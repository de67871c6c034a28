// `job pause|resume|clear`: steering the whole queue (admin). Pause and resume switch claiming for
// every worker sharing the store; clear deletes finished jobs and says how many.
import type { Args } from './args.ts';
import type { CommandContext, Sub } from './commands.ts';
import { json, keyValues } from './format.ts';

type Row = Record<string, unknown>;

function show(c: CommandContext, a: Args, value: unknown, print: () => void): void {
  if (a.json) json(c.out, value);
  else print();
}

const toggle = (paused: boolean): Sub => ({
  usage: `job ${paused ? 'pause' : 'resume'}`,
  summary: paused
    ? 'stop every worker claiming jobs (running jobs finish; enqueueing still works)'
    : 'let every worker claim jobs again',
  arity: 0,
  run: async (a, c) => {
    const r = await c.client.setQueuePaused(paused);
    show(c, a, r, () => {
      const what = paused ? 'paused' : 'resumed';
      c.out.write(
        r.changed
          ? `queue ${what}: workers ${paused ? 'stop' : 'start'} claiming within ${Number(r.takesEffectWithinMs) / 1000} s\n`
          : `queue already ${what === 'paused' ? 'paused' : 'running'} (since ${String(r.changedAt ?? 'start')}, by ${String(r.changedBy ?? '-')})\n`,
      );
    });
  },
});

export const QUEUE_COMMANDS: Record<string, Sub> = {
  clear: {
    usage: 'job clear [--status COMPLETED|FAILED|CANCELLED] [--older-than DURATION]',
    summary: 'delete finished jobs (COMPLETED by default; --older-than 7d keeps the last week)',
    flags: ['status', 'older-than'],
    arity: 0,
    run: async (a, c) => {
      const r: Row = await c.client.clearJobs({ status: a.opts.status, olderThan: a.opts['older-than'] });
      show(c, a, r, () =>
        c.out.write(
          `removed ${String(r.removed)} ${String(r.status)} job(s)${r.finishedBefore ? ` finished before ${String(r.finishedBefore)}` : ''}\n`,
        ),
      );
    },
  },
  pause: toggle(true),
  resume: toggle(false),
};

/** `server status`'s queue lines: paused or claiming, then the depth by status. */
export function printQueue(c: CommandContext, queue: Row | undefined): void {
  if (!queue) return;
  c.out.write(
    `queue:    ${queue.paused === true ? 'PAUSED (job resume to restart claiming)' : 'claiming'}\n`,
  );
  keyValues(c.out, (queue.depth as Row) ?? {});
}
