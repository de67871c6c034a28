// One sync at a time per source and store: the start-up sync, `repo sync`, the refresh timer and
// the watcher may all fire together, and interleaved scans would report each other's changes.
const chains = new WeakMap<object, Map<string, Promise<unknown>>>();

export function withSourceLock<T>(owner: object, name: string, fn: () => Promise<T>): Promise<T> {
  let byName = chains.get(owner);
  if (!byName) chains.set(owner, (byName = new Map()));
  const previous = byName.get(name) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  byName.set(name, settled);
  void settled.then(() => {
    if (byName.get(name) === settled) byName.delete(name);
  });
  return run;
}
