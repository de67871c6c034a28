// A `ratchet serve` child process on a free port, for end-to-end tests of the server and docs.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_MAIN, assertBuilt, cleanEnv } from './cli-process.ts';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** stdout and stderr interleaved as they arrived. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/**
 * Starts `ratchet serve --port 0 …` (after `args`) and resolves once it told its URL: the
 * "ratchet serving on URL" start-up line on stderr (plain, or inside a JSON log line).
 */
export function startServe(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
): Promise<ServeProcess> {
  assertBuilt();
  // `--port 0` last: it wins over any --port in args (commander keeps the last value).
  const child = spawn(process.execPath, [CLI_MAIN, 'serve', ...args, '--port', '0'], { cwd, env });
  let out = '';
  let stdout = '';
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ratchet serving on (https?:\/\/[^\s"]+)/.exec(out);
      if (m)
        resolve({ child, url: m[1]!, output: () => out, stdout: () => stdout, stderr: () => stderr, exit });
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onData(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onData(d);
    });
    void exit.then((code) => reject(new Error(`serve exited ${code} before listening:\n${out}`)));
  });
}

export async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${url}/ready`).catch(() => undefined);
    if (res?.status === 200) return;
    await res?.arrayBuffer();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url}/ready never became 200`);
}
