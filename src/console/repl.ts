// The interactive loop (node:readline): prompt showing the connection and whether it is up, line
// editing, up/down history from the history file, Tab completion, Ctrl-C cancelling the running
// command (not the console), Ctrl-D leaving it.
import { createInterface } from 'node:readline';
import { ClientError } from './client.ts';
import { Completer } from './complete.ts';
import { liveView } from './live-view.ts';
import type { History } from './history.ts';
import type { Session } from './session.ts';

function promptOf(s: Session, up: boolean, color: boolean): string {
  const where = `ratchet@${s.client.where}${up ? '' : ' (down)'}> `;
  if (!color) return where;
  return up ? `\x1b[32m${where}\x1b[0m` : `\x1b[31m${where}\x1b[0m`;
}

export async function runInteractive(session: Session, history: History, color: boolean): Promise<void> {
  const completer = new Completer(session);
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    history: history.lines().reverse(),
    historySize: Math.max(1, history.lines().length + 1000),
    removeHistoryDuplicates: true,
    completer: (line: string, cb: (err: null, r: [string[], string]) => void) => {
      completer.complete(line).then(
        (r) => cb(null, r),
        () => cb(null, [[], line]),
      );
    },
  });
  let up = true;
  let running: AbortController | undefined;
  rl.on('SIGINT', () => {
    session.out.flush?.();
    if (running) {
      running.abort();
      process.stdout.write('\n^C (cancelling)\n');
      return;
    }
    process.stdout.write('^C\n');
    rl.write(null, { ctrl: true, name: 'u' });
    rl.prompt();
  });
  // Commands that prompt (task execute) need the terminal to themselves; otherwise readline keeps
  // reading, so Ctrl-C reaches the SIGINT handler while a command runs.
  session.holdTerminal = async (fn) => {
    session.out.flush?.();
    rl.pause();
    try {
      return await fn();
    } finally {
      rl.resume();
    }
  };
  const live = liveView(rl, process.stdin, process.stdout);
  session.live = (draw, intervalMs) => {
    session.out.flush?.();
    return live(draw, intervalMs);
  };
  const lines = rl[Symbol.asyncIterator]();
  session.out.flush?.();
  rl.setPrompt(promptOf(session, up, color));
  rl.prompt();
  // The prompt is up: now open what it did not need (a local store).
  setImmediate(() => session.client.warm?.());
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    const line = next.value;
    history.add(line);
    running = new AbortController();
    session.client.signal = running.signal;
    let failed: unknown;
    const ok = await session.runLine(line).catch((err: unknown) => ((failed = err), false));
    if (failed !== undefined) session.out.warn(`error: ${(failed as Error).message}\n`);
    running = undefined;
    if (session.done) break;
    // The connection is down after an unreachable server; the next command tries again.
    up = ok || !(session.lastError instanceof ClientError && session.lastError.code === 'UNREACHABLE');
    session.out.flush?.();
    rl.setPrompt(promptOf(session, up, color));
    rl.prompt();
  }
  rl.close();
}
