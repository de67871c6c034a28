// How every command gets its configuration: the global `--config FILE` (accepted before or after the
// subcommand) plus the environment. A bad configuration is a loading error: exit 2 with every problem
// listed, never a stack trace.
import type { Command } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import type { RatchetConfig } from '../config/schema.ts';
import { UsageError } from './errors.ts';

/** The `--config` value given anywhere on the command line, if any. */
export function configFileOption(cmd: Command): string | undefined {
  const value = cmd.optsWithGlobals<{ config?: unknown }>().config;
  return typeof value === 'string' ? value : undefined;
}

export async function loadCliConfig(cmd: Command): Promise<RatchetConfig> {
  try {
    return await loadConfig({ file: configFileOption(cmd) });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration:\n${err.message}`);
    throw err;
  }
}
