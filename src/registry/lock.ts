// One sync at a time per source: the start-up sync, `repo sync`, the refresh timer and the watcher
// may all fire together, and interleaved scans would report each other's changes. One per
// application (owned by the composition root), since each application has its own store.
export class SourceLocks {
  private readonly chains = new Map<string, Promise<unknown>>();

  /** Runs fn after every earlier call for the same source name has settled. */
  run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(name) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(name, settled);
    void settled.then(() => {
      if (this.chains.get(name) === settled) this.chains.delete(name);
    });
    return run;
  }
}
