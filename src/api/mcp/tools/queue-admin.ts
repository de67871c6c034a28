// The queue's switch and clean-up for agents (services/queue-control.ts), as the console's
// `job pause|resume|clear`, REST's /queue and /jobs/clear and GraphQL's pauseQueue/clearJobs.
// Admin only, and in the opt-in `operations` toolset: an agent developing tasks never needs them
// listed, and `all` stays within its tools/list budget.
import { z } from 'zod';
import {
  CLEARABLE,
  clearJobs,
  pauseQueue,
  queueState,
  resumeQueue,
} from '../../../services/queue-control.ts';
import { defineTool } from '../tool.ts';
import { READ_ONLY } from './common.ts';

const state = {
  paused: z.boolean(),
  changed_at: z.string().nullable().describe('When it was paused or resumed last (ISO time)'),
  changed_by: z.string().nullable(),
};

export const setQueuePausedTool = defineTool({
  name: 'ratchet_set_queue_paused',
  title: 'Pause or resume the queue',
  description:
    'paused: true stops claiming on every worker sharing the store (running jobs finish; new ones wait), false resumes; each worker sees it within takes_effect_within_ms. Returns the switch and whether it changed.',
  input: z.object({ paused: z.boolean().describe('true to pause, false to resume') }),
  output: z.object({
    ...state,
    changed: z.boolean().describe('false: the queue already was in that state'),
    takes_effect_within_ms: z.number().int(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  access: 'admin',
  example: { paused: false },
  async handler(args, ctx) {
    const by = ctx.principal.name;
    const s = args.paused ? await pauseQueue(ctx.app, by) : await resumeQueue(ctx.app, by);
    return {
      paused: s.paused,
      changed_at: s.changedAt,
      changed_by: s.changedBy,
      changed: s.changed,
      takes_effect_within_ms: s.takesEffectWithinMs,
    };
  },
});

export const queueStateTool = defineTool({
  name: 'ratchet_get_queue_state',
  title: 'Queue paused?',
  description:
    'Tells whether the job queue is paused (see ratchet_set_queue_paused). Returns paused, changed_at and changed_by.',
  input: z.object({}),
  output: z.object(state),
  annotations: READ_ONLY,
  access: 'read',
  example: {},
  async handler(_args, ctx) {
    const s = await queueState(ctx.app);
    return { paused: s.paused, changed_at: s.changedAt, changed_by: s.changedBy };
  },
});

export const clearJobsTool = defineTool({
  name: 'ratchet_clear_jobs',
  title: 'Delete finished jobs',
  description:
    'Deletes finished jobs of one status (COMPLETED by default, FAILED or CANCELLED), optionally only those finished longer ago than older_than (7d, 12h, 30m); queued, retrying and running jobs are never deleted. Returns how many were removed.',
  input: z.object({
    status: z.enum(CLEARABLE).optional().describe('Which finished jobs (default COMPLETED)'),
    older_than: z.string().min(2).max(20).optional().describe('Only jobs finished longer ago: 7d, 12h, 30m'),
  }),
  output: z.object({
    status: z.string(),
    finished_before: z.string().nullable().describe('The cut-off when older_than was given'),
    removed: z.number().int(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  access: 'admin',
  example: { status: 'FAILED', older_than: '30d' },
  async handler(args, ctx) {
    const r = await clearJobs(ctx.app, {
      ...(args.status ? { status: args.status } : {}),
      ...(args.older_than ? { olderThan: args.older_than } : {}),
    });
    return { status: r.status, finished_before: r.finishedBefore, removed: r.removed };
  },
});

export const queueAdminTools = [queueStateTool, setQueuePausedTool, clearJobsTool];
