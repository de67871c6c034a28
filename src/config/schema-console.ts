// The `console` section: how `ratchet console` connects, keeps history, expands variables and finds
// scripts. Split from schema.ts only for size; see there for the conventions.
import { z } from 'zod';
import { port } from './schema-helpers.ts';

export const consoleSection = z
  .object({
    default_connection: z
      .object({
        transport: z
          .enum(['http', 'sse'])
          .default('http')
          .describe('Both reach the REST API over HTTP (`sse` is the brief’s spelling)'),
        host: z.string().min(1).optional().describe('Server to connect to; default server.bind_address'),
        port: port().optional().describe('Its port; default server.port'),
        timeout: z.number().min(1).max(3600).default(30).describe('Seconds a request may take'),
        auth_token_file: z.string().min(1).optional().describe('File holding the API key (first line)'),
      })
      .strict()
      .prefault({})
      .describe('Where `ratchet console` connects without --connect'),
    history: z
      .object({
        file: z.string().min(1).default('~/.ratchet_history').describe('History file'),
        max_entries: z.number().int().min(0).max(1_000_000).default(1000).describe('Lines kept'),
        save_on_exit: z.boolean().default(true).describe('Write the history file (false: memory only)'),
      })
      .strict()
      .prefault({}),
    variables: z
      .object({
        auto_export_env: z
          .boolean()
          .default(false)
          .describe('`set` also sets the environment variable of the console process'),
        case_sensitive: z.boolean().default(true).describe('Whether $name and $NAME differ'),
        predefined: z.record(z.string(), z.string()).default({}).describe('Variables set at start'),
      })
      .strict()
      .prefault({}),
    scripts: z
      .object({
        search_paths: z.array(z.string()).default([]).describe('Where `source NAME` looks after the cwd'),
        auto_source: z.array(z.string()).default([]).describe('Scripts run at start when they exist'),
        allow_system_commands: z
          .literal(false)
          .default(false)
          .describe('The console runs no system commands; only false is accepted'),
      })
      .strict()
      .prefault({}),
  })
  .strict();
