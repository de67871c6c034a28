// `ratchet mcp-serve` (MCP over stdio by default; stdout carries only the protocol, every log line
// goes to stderr, or to the log file with logging.destination file), `ratchet mcp` (Streamable HTTP by default), both with `--transport stdio|http
// [--host] [--port]` as the brief's README shows them, and `ratchet mcp docs` (prints docs/mcp.md,
// generated from the tool definitions).
import type { Command } from 'commander';
import type { RatchetConfig } from '../config/schema.ts';
import { CliExit, UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { parseNonNegativeInt } from './duration.ts';
import { listenForStop } from './stop-signal.ts';
import { processLog, toStderr, type Say } from '../process-log.ts';

async function runStdio(config: RatchetConfig, say: Say, projectSource: boolean): Promise<void> {
  const stopSignal = listenForStop();
  const { startMcpRuntime } = await import('../api/mcp/runtime.ts');
  const { serveMcpStdio } = await import('../api/mcp/stdio.ts');
  const runtime = await startMcpRuntime(config, { say, projectSource });
  say(`ratchet MCP server on stdio (database ${runtime.app.store.url})`);
  try {
    await serveMcpStdio(runtime.app, say, stopSignal.received);
  } finally {
    await runtime.close();
    stopSignal.dispose();
  }
}

async function runHttp(
  config: RatchetConfig,
  say: Say,
  host: string,
  port: number,
  projectSource: boolean,
): Promise<void> {
  const stopSignal = listenForStop();
  const { startMcpRuntime } = await import('../api/mcp/runtime.ts');
  const { startMcpHttpServer } = await import('../server/mcp-standalone.ts');
  const runtime = await startMcpRuntime(config, { say, projectSource });
  let http;
  try {
    http = await startMcpHttpServer(runtime.app, { host, port });
  } catch (err) {
    stopSignal.dispose();
    await runtime.close();
    // Said on the terminal as well when the log goes to a file: the user is waiting for it there.
    const line = `error: cannot start the MCP server: ${(err as Error).message}`;
    if (config.logging.destination === 'file') toStderr(line);
    say(line);
    throw new CliExit(1);
  }
  say(`ratchet MCP server on ${http.url} (database ${runtime.app.store.url})`);
  // The URL alone on stdout: scripts read the real port here (HTTP mode only).
  process.stdout.write(`${http.url}\n`);
  await stopSignal.received;

  await http.close();
  await runtime.close();
  say('MCP server stopped');
}

function portOf(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = parseNonNegativeInt(value, '--port');
  if (port > 65535) throw new UsageError(`--port ${port}: expected 0–65535`);
  return port;
}

type Transport = 'stdio' | 'http';

/** `--toolsets a,b|all`, checked against the toolsets that exist. */
async function toolsetsOf(value: string): Promise<RatchetConfig['mcp']['tools']['toolsets']> {
  const { parseToolsets } = await import('../api/mcp/tools/toolsets.ts');
  try {
    return parseToolsets(value);
  } catch (err) {
    throw new UsageError(`--toolsets ${value}: ${(err as Error).message}`);
  }
}

/**
 * `--transport`: stdio or http; `sse` is accepted as the name the brief's README uses (MCP's old
 * HTTP+SSE transport, replaced in the protocol by Streamable HTTP, which is what we serve).
 */
function transportOf(value: string): Transport {
  if (value === 'stdio' || value === 'http') return value;
  if (value === 'sse') {
    toStderr('note: --transport sse is the old name of MCP over HTTP; serving Streamable HTTP');
    return 'http';
  }
  throw new UsageError(`--transport ${value}: expected stdio or http (or sse, the old name of http)`);
}

/** The one implementation behind `mcp` and `mcp-serve`; they differ only in the default transport. */
function addServeOptions(command: Command, defaultTransport: Transport): Command {
  return command
    .option(
      '--transport <kind>',
      `stdio or http (sse: the old name of http); default mcp.transport, else ${defaultTransport}`,
    )
    .option('--host <address>', 'HTTP: address to listen on (default mcp.host, 127.0.0.1)')
    .option('--port <port>', 'HTTP: port to listen on (default mcp.port, 8090; 0 picks a free port)')
    .option(
      '--toolsets <names>',
      'toolsets tools/list shows: a,b or all (default mcp.tools.toolsets, else tasks,testing,execution)',
    )
    .action(
      async (
        flags: { transport?: string; host?: string; port?: string; toolsets?: string },
        cmd: Command,
      ) => {
        const given = flags.transport === undefined ? undefined : transportOf(flags.transport);
        const config = await loadCliConfig(cmd);
        if (flags.toolsets !== undefined) config.mcp.tools.toolsets = await toolsetsOf(flags.toolsets);
        // A configuration file that names its transport (the guide's mcp-config.yaml) is obeyed.
        const transport = given ?? config.mcp.transport ?? defaultTransport;
        if (transport === 'stdio' && (flags.host !== undefined || flags.port !== undefined)) {
          throw new UsageError('--host and --port apply to --transport http only');
        }
        // mcp-serve (stdio by default) is what an agent starts in a project: its folders are tasks.
        const projectSource = defaultTransport === 'stdio';
        // Start-up, sync and shutdown lines follow logging.format and logging.destination, as serve's do.
        const say = processLog(config.logging);
        if (transport === 'stdio') return runStdio(config, say, projectSource);
        return runHttp(
          config,
          say,
          flags.host ?? config.mcp.host,
          portOf(flags.port, config.mcp.port),
          projectSource,
        );
      },
    );
}

export function registerMcpServe(program: Command): void {
  addServeOptions(
    program
      .command('mcp-serve')
      .description(
        'run the MCP server, by default over stdio (for Claude Desktop, Claude Code and other MCP clients)',
      ),
    'stdio',
  );
}

export function registerMcp(program: Command): void {
  const mcp = addServeOptions(
    program
      .command('mcp')
      .description('run the MCP server, by default over Streamable HTTP (see also: ratchet mcp docs)'),
    'http',
  );
  mcp
    .command('docs')
    .description('print docs/mcp.md (setup and every tool), generated from the tool definitions')
    .action(async () => {
      const { renderMcpDocs } = await import('../api/mcp/docs.ts');
      process.stdout.write(renderMcpDocs());
    });
}
