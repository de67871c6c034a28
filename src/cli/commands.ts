// Every CLI command module registers itself here, one line each.
import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
}
