// Work that must commit together with a job's end: the backend runs these hooks inside the
// transaction that stores an attempt's result (result writer) or gives up on a lost worker's job
// (reclaim). The workflow engine registers one to advance runs; nothing else in the queue knows
// about workflows. A hook returns how many jobs it queued, so the caller wakes workers after commit.
import type { Db } from '../store/codec.ts';
import type { ExecutionRecord } from '../store/repos/executions.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import type { JobStatus } from '../store/schema.ts';

export interface FinishedJob {
  job: JobRecord;
  execution: ExecutionRecord | undefined;
  /** Where the job went. */
  jobStatus: JobStatus;
}

/**
 * `guarded: false` is the fast first try: a hook may skip its own protection (savepoints, a round
 * trip each) and throw GuardNeeded on any failure; the caller then rolls back and runs the whole
 * transaction again with `guarded: true`, where a hook deals with its failures itself.
 */
export interface HookOptions {
  guarded: boolean;
  /** Runs fn once the transaction ended: committed, or rolled back (false). */
  afterCommit?: (fn: (committed: boolean) => void) => void;
  /**
   * The hook's keys (HookKeys) of these jobs, by workflowStepId, when the caller read them before
   * the transaction to split its batch: the hook need not read them again.
   */
  keys?: ReadonlyMap<number, number>;
}

export type FinishHook = (trx: Db, finished: readonly FinishedJob[], opts: HookOptions) => Promise<number>;

/**
 * A key per job, read before its result is written: the hook of a job touches only rows that no
 * job with another key touches (the workflow engine: the job's run), so results with different
 * keys may commit in concurrent transactions without waiting for, or deadlocking on, each other.
 */
export type HookKeys = (db: Db, jobs: readonly Pick<JobRecord, 'workflowStepId'>[]) => Promise<number[]>;

/** A hook failed in an unguarded try: roll back and run the transaction again, guarded. */
export class GuardNeeded extends Error {
  constructor(cause: unknown) {
    super(`a finish hook failed unguarded: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

export class FinishHooks {
  private readonly hooks = new Set<FinishHook>();
  private readonly keyFns = new Map<FinishHook, HookKeys>();

  /** `keys`, when the hook can tell which of its jobs are independent (see HookKeys). */
  add(hook: FinishHook, keys?: HookKeys): () => void {
    this.hooks.add(hook);
    if (keys) this.keyFns.set(hook, keys);
    return () => {
      this.hooks.delete(hook);
      this.keyFns.delete(hook);
    };
  }

  /**
   * The key of each job (see HookKeys), or undefined when the jobs cannot be told apart: more than
   * one hook (a job independent for one may not be for another), or a hook without keys.
   */
  async keys(db: Db, jobs: readonly Pick<JobRecord, 'workflowStepId'>[]): Promise<number[] | undefined> {
    if (this.hooks.size !== 1) return undefined;
    const keys = this.keyFns.get([...this.hooks][0]!);
    return keys ? keys(db, jobs) : undefined;
  }

  /** Whether a finished job must have its hooks run in its result's transaction. */
  wants(job: Pick<JobRecord, 'workflowStepId'>): boolean {
    return this.hooks.size > 0 && job.workflowStepId !== null;
  }

  /** Runs every hook; the number of jobs they queued. */
  async run(
    trx: Db,
    finished: readonly FinishedJob[],
    opts: HookOptions = { guarded: true },
  ): Promise<number> {
    const relevant = finished.filter((f) => this.wants(f.job));
    if (relevant.length === 0) return 0;
    let queued = 0;
    for (const hook of this.hooks) queued += await hook(trx, relevant, opts);
    return queued;
  }
}
