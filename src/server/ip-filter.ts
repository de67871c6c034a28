// IP filtering (server.ip_filtering, mcp.security.ip_filtering): one onRequest hook refuses a client
// whose address the configured CIDR ranges do not let in, with a 403 naming the address, the
// setting and the range, before rate limits, authentication or any route run. The address is the
// socket's (Fastify's request.ip without trustProxy): behind a proxy, filter at the proxy.
import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { blockListOf } from '../config/cidr.ts';
import type { RatchetConfig } from '../config/schema.ts';
import { ApiError } from './errors.ts';
import { rootPlugin } from './root-plugin.ts';

type IpFiltering = RatchetConfig['server']['ip_filtering'];

export interface IpFilterRule {
  /** The setting's dotted name, shown in the refusal. */
  setting: string;
  filtering: IpFiltering;
  /** Only requests to this path (e.g. /mcp); absent: every request. */
  path?: string;
}

interface CompiledRule {
  setting: string;
  path?: string;
  defaultPolicy: 'allow' | 'deny';
  allowed: BlockList;
  denied: [string, BlockList][];
}

function compile(rule: IpFilterRule): CompiledRule {
  const f = rule.filtering;
  return {
    setting: rule.setting,
    ...(rule.path !== undefined ? { path: rule.path } : {}),
    defaultPolicy: f.default_policy,
    allowed: blockListOf(f.allowed_ranges),
    // One list per denied range, so the refusal can name the range that matched.
    denied: f.denied_ranges.map((r) => [r, blockListOf([r])]),
  };
}

/** Why `address` is refused by `rule`, or undefined when it may pass. */
function refusal(rule: CompiledRule, address: string): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const denied = rule.denied.find(([, list]) => list.check(address, family));
  if (denied) return `it is in ${rule.setting}.denied_ranges (${denied[0]})`;
  if (rule.allowed.check(address, family)) return undefined;
  if (rule.defaultPolicy === 'allow') return undefined;
  return `${rule.setting}.default_policy is deny and no range of ${rule.setting}.allowed_ranges contains it`;
}

const pathOf = (request: FastifyRequest): string => request.url.split('?', 1)[0]!;

export interface IpFilterOptions extends Record<string, unknown> {
  rules: IpFilterRule[];
}

export const ipFilterPlugin = rootPlugin<IpFilterOptions>(
  'ratchet-ip-filter',
  async (server: FastifyInstance, opts) => {
    const rules = opts.rules.filter((r) => r.filtering.enabled).map(compile);
    if (rules.length === 0) return;
    server.addHook('onRequest', async (request) => {
      const address = request.socket.remoteAddress ?? request.ip;
      for (const rule of rules) {
        if (rule.path !== undefined && pathOf(request) !== rule.path) continue;
        const why = refusal(rule, address);
        if (why)
          throw new ApiError(403, 'FORBIDDEN', `client address ${address} is not allowed: ${why}`, {
            address,
            setting: rule.setting,
          });
      }
    });
  },
);

/** The rules of a server that serves `mcpPath` (and, on `ratchet serve`, everything else). */
export function ipFilterRules(config: RatchetConfig, mcpPath: string, wholeServer: boolean): IpFilterRule[] {
  const rules: IpFilterRule[] = [
    { setting: 'mcp.security.ip_filtering', filtering: config.mcp.security.ip_filtering, path: mcpPath },
  ];
  if (wholeServer) rules.unshift({ setting: 'server.ip_filtering', filtering: config.server.ip_filtering });
  return rules;
}
