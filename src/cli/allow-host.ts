// `--allow-host HOST[:PORT]` (repeatable) on run-once and test: opens one destination the egress
// policy denies by default (a local test server, say) for this run only, without restricting any
// other host the configuration allows. It never opens more than the entry names.
import type { Command } from 'commander';
import type { HttpClientOptions } from '../http/client.ts';
import { validateHostPatterns } from '../http/policy.ts';
import { UsageError } from './errors.ts';

function collect(value: string, previous: string[] = []): string[] {
  try {
    validateHostPatterns({ allowedHosts: [], deniedHosts: [], alsoAllowedHosts: [value] });
  } catch (e) {
    throw new UsageError(`--allow-host: ${(e as Error).message}`);
  }
  return [...previous, value];
}

export function addAllowHostOption(command: Command): Command {
  return command.option(
    '--allow-host <host[:port]>',
    'let task fetches reach HOST[:PORT] (e.g. 127.0.0.1:8081, a local test server), which the egress policy denies by default; repeatable',
    collect,
  );
}

/** The HTTP options with the --allow-host entries added. */
export function withAllowedHosts(http: HttpClientOptions, entries: string[] | undefined): HttpClientOptions {
  if (!entries || entries.length === 0) return http;
  return { ...http, alsoAllowedHosts: [...(http.alsoAllowedHosts ?? []), ...entries] };
}
