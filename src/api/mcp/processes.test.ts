// The twelve process tools through the official MCP client: over stdio (the built CLI in a project
// folder acts for the local user, the project defaulting to its working directory) and over HTTP
// (admin keys only, and only projects under mcp.allowed_roots). Each test has its own supervisor
// folder (RATCHET_SUPERVISOR_DIR) and stops the daemon it started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey } from '../../services/api-keys.ts';
import { connectStdio, ok, withMcpHttp } from './test-helpers.ts';
import { alive, freePort, stopSupervisor, testProject } from '../../supervisor/test-helpers/fixture.ts';

const toml =
  (port: number) =>
  ({ node }: { node: string }) => `[project]
name = "mock-api"
[[process]]
name = "api"
command = "${node} server.cjs"
env = { PORT = "${port}" }
health_check = "http://127.0.0.1:${port}/"
health_check_interval = "1s"
`;

test('stdio: activate the working directory, list, read logs, stop everything', async () => {
  const port = await freePort();
  const project = await testProject(toml(port));
  const { client } = await connectStdio(['mcp-serve', '--toolsets', 'processes'], {
    cwd: project.dir,
    env: { RATCHET_SUPERVISOR_DIR: project.paths.dir },
  });
  try {
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes('ratchet_activate_environment') && names.includes('ratchet_kill_all_processes'));
    const env = ok(await client.callTool({ name: 'ratchet_activate_environment', arguments: {} }));
    assert.equal(env.name, 'mock-api');
    assert.equal(env.processes[0].state, 'HEALTHY');
    const pid = env.processes[0].pid as number;
    const listed = ok(await client.callTool({ name: 'ratchet_list_all_processes', arguments: {} }));
    assert.deepEqual(
      listed.processes.map((p: { environment: string; name: string }) => `${p.environment}/${p.name}`),
      ['mock-api/api'],
    );
    const logs = ok(
      await client.callTool({ name: 'ratchet_get_process_logs', arguments: { name: 'api', lines: 50 } }),
    );
    assert.ok(
      logs.lines.some(
        (l: { stream: string; line: string }) => l.stream === 'stdout' && l.line === `listening on ${port}`,
      ),
    );
    const missing = await client.callTool({
      name: 'ratchet_get_process_status',
      arguments: { name: 'apii' },
    });
    assert.equal(missing.isError, true);
    assert.match(
      (missing.content as { text: string }[])[0]!.text,
      /no process "apii" in environment "mock-api" \(processes: api\)/,
    );
    assert.deepEqual(ok(await client.callTool({ name: 'ratchet_kill_all_processes', arguments: {} })), {
      stopped: 1,
    });
    assert.ok(!alive(pid));
  } finally {
    await client.close();
    await project.cleanup();
  }
});

test('HTTP: admin only, projects only under mcp.allowed_roots', async () => {
  const port = await freePort();
  const project = await testProject(toml(port));
  const outside = await mkdtemp(join(tmpdir(), 'runcept-outside-'));
  const keys: Record<string, string> = {};
  const saved = process.env['RATCHET_SUPERVISOR_DIR'];
  process.env['RATCHET_SUPERVISOR_DIR'] = project.paths.dir;
  try {
    await withMcpHttp(
      async ({ connect }) => {
        const operator = await connect({ token: keys['operator']! });
        assert.ok(
          !(await operator.listTools()).tools.some((t) => t.name.includes('environment')),
          'operators do not see them',
        );
        const admin = await connect({ token: keys['admin']! });
        const refused = await admin.callTool({
          name: 'ratchet_activate_environment',
          arguments: { project_path: outside },
        });
        assert.equal(refused.isError, true);
        assert.match((refused.content as { text: string }[])[0]!.text, /is outside mcp\.allowed_roots/);
        const noPath = await admin.callTool({ name: 'ratchet_list_processes', arguments: {} });
        assert.match((noPath.content as { text: string }[])[0]!.text, /project_path is required over HTTP/);
        const env = ok(
          await admin.callTool({
            name: 'ratchet_activate_environment',
            arguments: { project_path: project.dir },
          }),
        );
        assert.equal(env.processes[0].state, 'HEALTHY');
        const status = ok(
          await admin.callTool({
            name: 'ratchet_get_process_status',
            arguments: { project_path: project.dir, name: 'api' },
          }),
        );
        assert.equal(status.pid, env.processes[0].pid);
        const stopped = ok(
          await admin.callTool({
            name: 'ratchet_deactivate_environment',
            arguments: { project_path: project.dir },
          }),
        );
        assert.equal(stopped.processes[0].state, 'STOPPED');
        assert.ok(!alive(env.processes[0].pid));
      },
      {
        server: { auth: { required: true } },
        mcp: { allowed_roots: [project.dir], tools: { toolsets: ['processes'] } },
      },
      [],
      async (app) => {
        keys['admin'] = (await createKey(app.store.db, { name: 'a', role: 'admin' })).key;
        keys['operator'] = (await createKey(app.store.db, { name: 'o', role: 'operator' })).key;
      },
    );
  } finally {
    if (saved === undefined) delete process.env['RATCHET_SUPERVISOR_DIR'];
    else process.env['RATCHET_SUPERVISOR_DIR'] = saved;
    await stopSupervisor(project.paths);
    await project.cleanup();
    await rm(outside, { recursive: true, force: true });
  }
});
