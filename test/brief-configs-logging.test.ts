// The brief's logging keys: a file destination rotated by size (pino-roll), max_files honoured, and
// logging.context's caller and process fields in the lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { load } from './helpers/brief-configs.ts';
import { CLI, ROOT } from './helpers/cli.ts';
import { cleanEnv } from '../src/cli/test-helpers/cli-process.ts';

void test('logging.destination file: lines go to the file, which is rotated past max_size_mb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-log-'));
  try {
    const { processLog } = await import('../src/process-log.ts');
    const { flushLogFiles } = await import('../src/log-file.ts');
    const { config } = await load('readme-development-console.yaml');
    assert.equal(config.logging.format, 'pretty');
    assert.deepEqual(config.logging.context, { enabled: true, include_file_location: true });
    const say = processLog({
      ...config.logging,
      format: 'json',
      destination: 'file',
      file_config: { path: join(dir, 'logs', 'console.log'), rotation: { max_size_mb: 0.01, max_files: 3 } },
    });
    const logs = join(dir, 'logs');
    const listed = async () => (await readdir(logs).catch(() => [] as string[])).sort();
    const until = async (what: string, ok: (files: string[]) => boolean) => {
      // Rotation happens after the write that passes the size, once the file is flushed.
      while (!ok(await listed())) await new Promise((r) => setTimeout(r, 20));
      return listed();
    };
    // Each batch is ~13 KB, past the 0.01 MB (10 KB) size: every batch ends with a rotation.
    const batch = (n: number) => {
      for (let i = 0; i < 200; i++) say(`batch ${n} line ${i} ${'x'.repeat(40)}`);
    };
    batch(1);
    await flushLogFiles();
    assert.deepEqual(await until('first rotation', (f) => f.includes('console.2.log')), [
      'console.1.log',
      'console.2.log',
    ]);
    const first = await readFile(join(logs, 'console.1.log'), 'utf8');
    assert.match(JSON.parse(first.split('\n')[0]!).msg as string, /^batch 1 line 0 /);
    batch(2);
    await flushLogFiles();
    await until('second rotation', (f) => f.includes('console.3.log'));
    batch(3);
    await flushLogFiles();
    // max_files 3: console.1.log is deleted once console.4.log is the current file.
    const files = await until('cleanup', (f) => f.includes('console.4.log') && !f.includes('console.1.log'));
    assert.deepEqual(files, ['console.2.log', 'console.3.log', 'console.4.log']);
    const third = await readFile(join(logs, 'console.3.log'), 'utf8');
    const last = JSON.parse(third.trim().split('\n').at(-1)!) as Record<string, unknown>;
    assert.match(last.msg as string, /^batch 3 line 199 /);
    // The example's logging.context: process context and the line that logged it.
    assert.equal(last.pid, process.pid);
    assert.match(last.caller as string, /^test\/brief-configs-logging\.test\.ts:\d+$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('logging.destination file: `ratchet mcp-serve` writes its start-up line to the file, not to stderr', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-log-mcp-'));
  try {
    const env = cleanEnv({
      RATCHET_DATABASE_URL: `sqlite://${join(dir, 'r.db')}`,
      RATCHET_LOGGING__DESTINATION: 'file',
      RATCHET_LOGGING__FILE_CONFIG__PATH: join(dir, 'logs', 'mcp.log'),
    });
    const child = spawn(process.execPath, [CLI, 'mcp-serve'], {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    t.after(() => child.kill('SIGKILL'));
    const logged = async (): Promise<string> => {
      const files = await readdir(join(dir, 'logs')).catch(() => [] as string[]);
      const texts = await Promise.all(files.map((f) => readFile(join(dir, 'logs', f), 'utf8')));
      return texts.join('');
    };
    for (let i = 0; !(await logged()).includes('ratchet MCP server on stdio'); i++) {
      assert.equal(child.exitCode, null, `mcp-serve exited early: ${stderr}`);
      assert.ok(i < 400, `no start-up line in the log file after 20 s; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Closing stdin ends a stdio MCP server.
    child.stdin.end();
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /ratchet MCP server on stdio/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
