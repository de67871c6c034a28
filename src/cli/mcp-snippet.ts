// The MCP client configuration for this installation: how a client (Claude Desktop, Claude Code,
// editors) starts `ratchet mcp-serve` over stdio. The command is pinned to what is running now,
// so the snippet starts the same ratchet, on the same Node, with the same configuration file.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveSqlitePath } from '../config/paths.ts';

export interface McpServerCommand {
  command: string;
  args: string[];
  /** Variables the client must set (the pinned database), if any. */
  env?: Record<string, string>;
}

export interface McpCommandSources {
  /** process.argv[1]: the script or bin link that started this CLI. */
  argv1: string;
  /** process.execPath: the Node binary running it. */
  execPath: string;
  /** The global --config value, if any. */
  configFile?: string;
  /** The database this CLI uses now (server.database.url). */
  databaseUrl?: string;
  cwd?: string;
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function mcpServerCommand(src: McpCommandSources): McpServerCommand {
  const cwd = src.cwd ?? process.cwd();
  const configArgs = src.configFile !== undefined ? ['--config', resolve(cwd, src.configFile)] : [];
  // Both paths absolute and resolved: an MCP client starts the server with its own PATH and working
  // directory, where `node` may be missing or older than 22 (the CLI needs node:sqlite) and a bin
  // link may be a temporary one (npx's cache). The Node running now is one that works.
  const command = {
    command: src.execPath,
    args: [real(resolve(cwd, src.argv1)), ...configArgs, 'mcp-serve'],
  };
  // Without a configuration file the database is ./data/ratchet.db of the folder ratchet runs in,
  // and clients choose their own (Claude Desktop: /): pin this folder's SQLite file. (A config
  // file resolves its relative paths against its own folder; a PostgreSQL URL may hold a
  // password, which this printout must not spread.)
  if (src.configFile === undefined && src.databaseUrl?.startsWith('sqlite://')) {
    return { ...command, env: { RATCHET_DATABASE_URL: resolveSqlitePath(src.databaseUrl, cwd) } };
  }
  return command;
}

export function mcpServersJson(cmd: McpServerCommand): object {
  const env = cmd.env !== undefined ? { env: cmd.env } : {};
  return { mcpServers: { ratchet: { command: cmd.command, args: cmd.args, ...env } } };
}

/** POSIX shell quoting: bare when safe, single-quoted otherwise. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Claude Code's CLI: `claude mcp add <name> -- <command> [args...]` (`--` keeps `--config` ours). */
export function claudeMcpAddLine(cmd: McpServerCommand): string {
  const env = Object.entries(cmd.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return ['claude', 'mcp', 'add', 'ratchet', ...env, '--', cmd.command, ...cmd.args]
    .map(shellQuote)
    .join(' ');
}
