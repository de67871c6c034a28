// A client whose connection is made behind the prompt: an interactive local console shows its
// prompt first, then (warm(), or the first call) opens the store and loads the services, the slow
// part of its start; each call waits for the real client. A store that cannot be opened fails
// every command with the reason.
import type { ConsoleClient } from './client.ts';

export function deferredClient(where: string, open: () => Promise<ConsoleClient>): ConsoleClient {
  let opening: Promise<ConsoleClient> | undefined;
  const start = (): Promise<ConsoleClient> => {
    if (!opening) {
      opening = open();
      // Unhandled until a command asks: the rejection is reported then, by that command.
      opening.catch(() => undefined);
    }
    return opening;
  };
  let signal: AbortSignal | undefined;
  const target = { where } as ConsoleClient;
  return new Proxy(target, {
    get(_, prop) {
      if (prop === 'where') return where;
      if (prop === 'signal') return signal;
      if (prop === 'then') return undefined;
      if (prop === 'warm') return () => void start();
      if (prop === 'close')
        return async () => {
          if (!opening) return;
          const client = await opening.catch(() => undefined);
          await client?.close();
        };
      return async (...args: unknown[]) => {
        const client = await start();
        client.signal = signal;
        const fn = client[prop as keyof ConsoleClient] as unknown as (...a: unknown[]) => Promise<unknown>;
        return fn.apply(client, args);
      };
    },
    set(_, prop, value) {
      if (prop !== 'signal') return false;
      signal = value as AbortSignal | undefined;
      return true;
    },
  });
}
