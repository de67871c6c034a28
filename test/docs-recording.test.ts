// Executes every shell command of docs/recording.md, in order, in a scratch folder holding a copy
// of the weather-api sample and the files the doc shows in `file=` blocks. The doc's weather
// service address (http://localhost:9999) is served by a local stand-in, and the example session
// folder name is replaced by the one recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT, SAMPLES } from './helpers/cli.ts';

const EXAMPLE_SESSION = './debug/ratchet_session_20250101_120000';

test('docs/recording.md: every command works as written', async () => {
  assertBuilt();
  const doc = readFileSync(join(ROOT, 'docs', 'recording.md'), 'utf8');
  const lines = [...doc.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((m) =>
    m[1]!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')),
  );
  assert.ok(lines.length >= 6, `only ${lines.length} commands in docs/recording.md`);
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        name: 'London',
        sys: { country: 'GB' },
        main: { temp: 11.5, humidity: 80 },
        weather: [{ description: 'light rain' }],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-recording-doc-'));
  try {
    await cp(join(SAMPLES, 'weather-api'), join(dir, 'weather-api'), { recursive: true });
    // Files the doc shows in `file=` blocks (the OpenAPI document) are written as shown.
    for (const [, name, body] of doc.matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)) {
      await writeFile(join(dir, name!), body!);
    }
    await writeFile(join(dir, 'ratchet.yaml'), 'logging:\n  level: info\n');
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
    for (const line of lines) {
      let command = line
        .replaceAll('http://localhost:9999', base)
        .replaceAll('--allow-host localhost:9999', `--allow-host ${new URL(base).host}`);
      if (command.includes(EXAMPLE_SESSION)) {
        const sessions = (await readdir(join(dir, 'debug'))).filter((n) => n.startsWith('ratchet_session_'));
        assert.equal(sessions.length, 1, 'the record command made one session');
        command = command.replaceAll(EXAMPLE_SESSION, `./debug/${sessions[0]}`);
      }
      const r = await runShell(command, { cwd: dir, env });
      assert.equal(r.code, 0, `docs/recording.md command failed: ${line}\n${r.stdout}\n${r.stderr}`);
    }
    assert.equal(hits, 1, 'only the recording reached the network; replay and the saved test ran offline');
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  }
});
