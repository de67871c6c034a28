#!/usr/bin/env node
// The `ratchet` binary (package.json `bin`). Ratchet needs Node 22 or newer (node:sqlite, type
// stripping), but the `node` a shell or an MCP client finds on PATH is often older. Under an older
// Node this file re-executes the CLI under the Node the package brings (its `node` devDependency,
// found relative to this file, not to the working directory), forwarding arguments, stdio, signals
// and the exit code; when there is none it says in one line what it needs. So this file must stay
// loadable by old Nodes: node: built-ins only, nothing newer than ES2022, no import.meta.dirname.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MINIMUM_MAJOR = 22;
/** Set in the re-executed child: if it is still too old, stop instead of looping. */
const REEXEC_MARK = 'RATCHET_REEXECUTED_BY';

const here = fileURLToPath(import.meta.url);
const packageRoot = join(dirname(here), '..', '..');

function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}

/** The Node binary of the package's `node` dependency, wherever npm placed it (hoisted or not). */
function bundledNode(): string | undefined {
  try {
    const nodePackage = createRequire(join(packageRoot, 'package.json')).resolve('node/package.json');
    const binary = join(dirname(nodePackage), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

function fail(reason: string): never {
  process.stderr.write(
    `error: ratchet needs Node.js ${MINIMUM_MAJOR} or newer, but runs on ${process.version} ` +
      `(${process.execPath}) and ${reason}: run \`npm install\` in ${packageRoot} ` +
      `(it brings Node 24) or put Node ${MINIMUM_MAJOR}+ first on PATH\n`,
  );
  process.exit(1);
}

function reexecute(node: string): void {
  const child = spawn(node, [...process.execArgv, here, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [REEXEC_MARK]: process.execPath },
  });
  // The child is the real ratchet: every stop signal sent to us is meant for it. (A terminal's
  // Ctrl-C reaches both; the CLI treats a repeated stop signal as the same request.)
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
  const forwarders = signals.map((signal) => {
    const forward = (): void => void child.kill(signal);
    process.on(signal, forward);
    return [signal, forward] as const;
  });
  child.on('error', (err) => fail(`${node} could not be started (${err.message})`));
  child.on('exit', (code, signal) => {
    for (const [s, forward] of forwarders) process.off(s, forward);
    // Die of the same signal, so whoever started us sees what happened to ratchet.
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

if (majorOf(process.versions.node) >= MINIMUM_MAJOR) {
  const { runCli } = await import('./main.ts');
  await runCli();
} else if (process.env[REEXEC_MARK] !== undefined) {
  fail(`the Node the package brings is too old as well`);
} else {
  const node = bundledNode();
  if (node === undefined) fail('the package brings no Node of its own (node_modules/node is missing)');
  reexecute(node);
}
