// A long-running command (`ratchet serve`, `ratchet mcp`) started through `sh -c`, as a user types
// it: resolves once it has printed its URL (serve's start-up line, or alone on a line); stop() sends SIGTERM and returns the
// exit code. Output of both streams is kept for assertion messages.
import { spawn } from 'node:child_process';

export interface RunningServer {
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

export async function startServerCommand(
  line: string,
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<RunningServer> {
  const child = spawn('/bin/sh', ['-c', `exec ${line}`], { cwd: opts.cwd, env: opts.env });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    return exit;
  };
  const url = await new Promise<string | undefined>((resolve) => {
    const look = () => {
      // serve says `ratchet serving on URL (…)` on stderr; `ratchet mcp` prints its URL alone.
      const found = /ratchet serving on (https?:\/\/[^\s"]+)|^(https?:\/\/\S+)$/m.exec(out);
      if (found) resolve(found[1] ?? found[2]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    void exit.then(() => resolve(undefined));
  });
  if (url === undefined) throw new Error(`${line}: exited without printing a URL\n${out}`);
  return { url, output: () => out, stop };
}

/** Polls /ready (the server answers 503 until its start-up work is done). */
export async function waitReady(base: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await fetch(`${base}/ready`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${base}/ready never answered 200`);
}
