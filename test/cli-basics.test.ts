// The binary's own surface: version, help, and exit code 2 for every usage mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli.ts';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('--version prints the package version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), version);
});

test('--help and help <command> describe the commands', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const name of ['run-once', 'validate', 'config']) assert.match(r.stdout, new RegExp(`\\b${name}\\b`));
  const h = await runCli(['help', 'run-once']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /--input-json/);
  assert.match(h.stdout, /--timeout/);
});

test('unknown commands and flags are usage errors with exit code 2', async () => {
  const unknownCommand = await runCli(['frobnicate']);
  assert.equal(unknownCommand.code, 2);
  assert.match(unknownCommand.stderr, /unknown command 'frobnicate'/);
  const unknownFlag = await runCli(['run-once', 'sample/tasks/addition', '--no-such-flag']);
  assert.equal(unknownFlag.code, 2);
  assert.match(unknownFlag.stderr, /unknown option '--no-such-flag'/);
  const missingArg = await runCli(['run-once']);
  assert.equal(missingArg.code, 2);
  assert.match(missingArg.stderr, /missing the task folder/);
  const badTimeout = await runCli(['run-once', 'sample/tasks/addition', '--timeout', 'soon']);
  assert.equal(badTimeout.code, 2);
  assert.match(badTimeout.stderr, /--timeout must be a positive whole number/);
});

test('--version belongs to a subcommand when it comes after one', async () => {
  const { makeTask } = await import('./helpers/cli.ts');
  const scratch = await makeTask({});
  try {
    const r = await runCli(['generate', 'task', 'versioned', '--version', '2.1.0'], { cwd: scratch.dir });
    assert.equal(r.code, 0, r.stderr);
    const meta = JSON.parse(readFileSync(join(scratch.dir, 'versioned', 'metadata.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(meta.version, '2.1.0');
  } finally {
    await scratch.cleanup();
  }
});
