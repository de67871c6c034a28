// Runs the built CLI (dist/cli/main.js) as a child process, the way users run it. Tests need a
// build first (`npx tsc -p tsconfig.build.json`); a missing build fails loudly rather than skipping.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI_MAIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The parent environment without RATCHET_* variables, so a developer's settings cannot leak in. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RATCHET_')) env[k] = v;
  return { ...env, ...extra };
}

export function assertBuilt(): void {
  if (!existsSync(CLI_MAIN))
    throw new Error(`${CLI_MAIN} is missing: build first with npx tsc -p tsconfig.build.json`);
}

/** Runs a command line through `sh -c` (for documented commands with VAR=value prefixes and quotes). */
export function runShell(line: string, opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  return collect(spawn('/bin/sh', ['-c', line], { cwd: opts.cwd, env: opts.env }));
}

export function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  assertBuilt();
  return collect(
    spawn(process.execPath, [CLI_MAIN, ...args], { cwd: opts.cwd, env: opts.env ?? cleanEnv() }),
  );
}

function collect(child: ReturnType<typeof spawn>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
