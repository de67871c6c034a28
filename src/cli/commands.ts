// Every CLI command module registers itself here, one line each.
import type { Command } from 'commander';
import { registerConfigCommands } from './config.ts';

export function registerCommands(program: Command): void {
  void program;
  registerConfigCommands(program);
}
