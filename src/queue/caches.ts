// Short-lived figures the queue re-reads at most every so often (one per application, owned by the
// composition root): how many jobs wait (count-claimable.ts) and whether any stored version
// declares max_concurrency (task-limits.ts). Each is a back-pressure or fast-path hint, never a
// guarantee, so a stale value costs a little latency and never correctness.
export class QueueCaches {
  claimable: { at: number; count: number } | undefined;
  metadataLimit: { at: number; value: boolean } | undefined;
}
