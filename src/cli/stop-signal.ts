// Long-running commands (serve, worker, mcp) listen for SIGTERM/SIGINT from their first moment:
// a signal that arrives while the process is still starting (migrations, registry sync, thread
// start-up) is then answered with a graceful stop once start-up is done, instead of the default
// action killing the process (exit 143) halfway through.

export interface StopSignal {
  /** Resolves with the first SIGTERM or SIGINT received. */
  received: Promise<NodeJS.Signals>;
  /**
   * Stops listening (the default actions apply again). Only once the command is done: while it
   * drains, repeated signals must not kill it (`timeout`, for one, signals both the process and its
   * group, so the same SIGTERM arrives twice).
   */
  dispose(): void;
}

let current: StopSignal | undefined;

/**
 * The process's stop listener, created on first call and shared: main.ts starts it before it even
 * loads a long-running command's modules, and the command picks up the same one.
 */
export function listenForStop(): StopSignal {
  if (current) return current;
  let resolve!: (s: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const onTerm = (): void => resolve('SIGTERM');
  const onInt = (): void => resolve('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  current = {
    received,
    dispose() {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      current = undefined;
    },
  };
  return current;
}

/** Commands that run until they are stopped. */
export const LONG_RUNNING_COMMANDS = new Set(['serve', 'worker', 'mcp', 'mcp-serve', 'watch']);
