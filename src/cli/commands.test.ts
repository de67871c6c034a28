import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invokedCommand } from './commands.ts';

test('the invoked command is found past global options, and `help X` means X', () => {
  assert.equal(invokedCommand(['run-once', 'dir']), 'run-once');
  assert.equal(invokedCommand(['--config', 'c.yaml', 'job', 'list']), 'job');
  assert.equal(invokedCommand(['-c', 'c.yaml', '--log-level', 'debug', 'serve']), 'serve');
  assert.equal(invokedCommand(['--config=c.yaml', 'db', 'status']), 'db');
  assert.equal(invokedCommand(['help', 'test']), 'test');
  assert.equal(invokedCommand(['--help']), undefined);
  assert.equal(invokedCommand([]), undefined);
});
