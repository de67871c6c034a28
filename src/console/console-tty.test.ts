// `ratchet console` in a real terminal (tmux): the prompt, Tab completion of commands, subcommands
// and live task names, history persisted across sessions without secrets, up-arrow recall.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { CLI_MAIN, assertBuilt } from '../cli/test-helpers/cli-process.ts';
import { tasksDir } from './test-helpers/session.ts';

// A tmux server of this test's own: other tests' sessions (and their servers exiting) stay apart.
const SOCKET = `ratchet-console-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

async function screenMatches(session: string, re: RegExp, ms = 8000): Promise<string> {
  const end = Date.now() + ms;
  let screen = '';
  while (Date.now() < end) {
    screen = tmux('capture-pane', '-p', '-t', session);
    if (re.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`screen never matched ${re}:\n${screen}`);
}

void test('prompt, Tab completion with live values, history without secrets, up-arrow', async () => {
  assertBuilt();
  const { dir, cleanup } = await tasksDir([
    { name: 'greet' },
    { name: 'spin', code: 'function main() { for (;;) {} }' },
  ]);
  await writeFile(
    join(dir, 'ratchet.yaml'),
    YAML.stringify({
      server: { database: { url: `sqlite://${join(dir, 'r.db')}` } },
      registry: { sources: [{ name: 'local', uri: 'file://./tasks' }] },
      console: { history: { file: join(dir, 'hist') } },
    }),
  );
  let session = '';
  // Each start is a new session (the previous one stays, so the server never exits in between).
  const start = (name: string) => {
    session = name;
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '120',
      '-y',
      '40',
      '-c',
      dir,
      `NO_COLOR=1 ${process.execPath} ${CLI_MAIN} console --connect local --config ratchet.yaml; sleep 30`,
    );
  };
  try {
    start('first');
    await screenMatches(session, /local store, in-process[\s\S]*ratchet@local>\s*$/m);
    tmux('send-keys', '-t', session, 'repo refresh', 'Enter');
    await screenMatches(session, /local\s+FILE\s+true/);
    tmux('send-keys', '-t', session, 'ta', 'Tab');
    await screenMatches(session, /ratchet@local> task\s*$/m);
    tmux('send-keys', '-t', session, 'sh', 'Tab');
    await screenMatches(session, /ratchet@local> task show\s*$/m);
    tmux('send-keys', '-t', session, 'gr', 'Tab');
    await screenMatches(session, /ratchet@local> task show greet\s*$/m);
    tmux('send-keys', '-t', session, 'Enter');
    await screenMatches(session, /^name:\s+greet$/m);
    tmux('send-keys', '-t', session, 'set API_TOKEN = s3cret', 'Enter');
    tmux('send-keys', '-t', session, 'exit', 'Enter');
    await screenMatches(session, /ratchet@local> exit\n/);

    const hist = await readFile(join(dir, 'hist'), 'utf8');
    assert.equal(hist, 'repo refresh\ntask show greet\nexit\n');

    start('second');
    await screenMatches(session, /ratchet@local>\s*$/m);
    tmux('send-keys', '-t', session, 'Up', 'Up');
    await screenMatches(session, /ratchet@local> task show greet$/m);

    // monitor: full screen (the alternate screen) until q, then the session's screen is back.
    tmux('send-keys', '-t', session, 'C-u', 'monitor', 'Enter');
    let screen = await screenMatches(session, /^Ratchet monitor — local — [\s\S]*^queue\s+claiming$/m);
    assert.doesNotMatch(screen, /ratchet@local>/, 'the monitor has the screen to itself');
    tmux('send-keys', '-t', session, 'q');
    screen = await screenMatches(session, /ratchet@local> monitor\n[\s\S]*ratchet@local>\s*$/m);
    assert.doesNotMatch(screen, /Ratchet monitor/);

    // Ctrl-C during a long command cancels that command (and its run), not the console.
    tmux('send-keys', '-t', session, 'task execute spin --input {}', 'Enter');
    await new Promise((r) => setTimeout(r, 700));
    tmux('send-keys', '-t', session, 'C-c');
    await screenMatches(session, /\^C \(cancelling\)\n(.*\n)*error: cancelled\n(.*\n)*ratchet@local>\s*$/m);
    // The run ends CANCELLED once its thread let go (a busy loop: up to the watchdog's grace).
    for (let i = 0; ; i++) {
      tmux('send-keys', '-t', session, 'C-l', 'execution list --status cancelled', 'Enter');
      try {
        await screenMatches(session, /^\d+\s+-\s+\d+\s+CANCELLED/m, 1500);
        break;
      } catch (err) {
        if (i === 5) throw err;
      }
    }
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    await cleanup();
  }
});
