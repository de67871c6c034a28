// An async iterator fed by pushes: what a subscription resolver returns to Mercurius, with the
// source stopped when the client ends the subscription or the socket closes.
/** An async iterator fed by pushes; `start` returns the function that stops the source. */
export function pushIterator<T>(
  start: (push: (v: T) => void, end: () => void) => () => void,
): AsyncIterableIterator<T> {
  const buffer: T[] = [];
  const waiting: ((r: IteratorResult<T>) => void)[] = [];
  let done = false;
  const source: { stop?: () => void } = {};
  const finish = (): void => {
    if (done) return;
    done = true;
    source.stop?.();
    for (const w of waiting.splice(0)) w({ value: undefined, done: true });
  };
  const push = (v: T): void => {
    if (done) return;
    const w = waiting.shift();
    if (w) w({ value: v, done: false });
    else buffer.push(v);
  };
  // Values pushed before `end` are still delivered; `end` only stops new ones.
  let ending = false;
  const end = (): void => {
    ending = true;
    if (buffer.length === 0) finish();
  };
  source.stop = start(push, end);
  if (done) source.stop();
  const it: AsyncIterableIterator<T> = {
    next: () => {
      const v = buffer.shift();
      if (v !== undefined) {
        if (ending && buffer.length === 0) queueMicrotask(finish);
        return Promise.resolve({ value: v, done: false });
      }
      if (done || ending) {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: () => {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
