// `ip_filtering`: which client addresses may reach a listener, by CIDR range. The same shape is used
// twice: server.ip_filtering (every request to `ratchet serve`) and mcp.security.ip_filtering (every
// request to /mcp, on `serve` and on `ratchet mcp --transport http`). src/server/ip-filter.ts applies it.
import { z } from 'zod';
import { parseCidr } from './cidr.ts';

const cidrList = (what: string) =>
  z
    .array(
      z
        .string()
        .min(1)
        .superRefine((text, ctx) => {
          const range = parseCidr(text);
          if (typeof range === 'string')
            ctx.addIssue({ code: 'custom', message: `not a CIDR range: ${range}` });
        }),
    )
    .default([])
    .describe(what);

export const ipFiltering = (scope: string) =>
  z
    .object({
      enabled: z.boolean().default(false).describe(`Filter ${scope} by the client's address`),
      default_policy: z
        .enum(['allow', 'deny'])
        .default('allow')
        .describe('What happens to an address no range below names'),
      allowed_ranges: cidrList(
        'CIDR ranges (`10.0.0.0/8`, `fd00::/8`, or one address) always let in, unless also denied; with `default_policy: deny` list loopback (`127.0.0.0/8`, `::1`) too if local clients need in',
      ),
      denied_ranges: cidrList('CIDR ranges always refused (403 with a JSON error); wins over allowed_ranges'),
    })
    .strict()
    .prefault({})
    .describe(`IP filtering of ${scope} (the socket's address; a proxy in front is one client)`);
