// The connect-time half of the egress policy: an undici connector that checks the address every
// connection is really made to. IP literals are checked before connecting; names are resolved by
// our own lookup, every address the resolver returns is checked, and the socket connects only to
// those checked addresses (no second resolution a DNS rebinding could change). Each redirect hop
// to a new origin opens a new connection, so each hop passes through here.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { buildConnector } from 'undici';
import { parseIp } from './address.ts';
import type { IpAddress } from './address.ts';
import { checkConnection } from './policy.ts';
import type { HostPolicy } from './policy.ts';

/** A connection the egress policy refused; the message names the address, why, and how to allow it. */
export class EgressDeniedError extends Error {
  readonly code = 'ERR_RATCHET_EGRESS_DENIED';
  constructor(message: string) {
    super(message);
    this.name = 'EgressDeniedError';
  }
}

/** The first EgressDeniedError in an error's cause chain (undici may wrap connector errors). */
export function egressDenial(error: unknown): EgressDeniedError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof EgressDeniedError) return e;
    if (e instanceof AggregateError) {
      const inner = e.errors.find((x): x is EgressDeniedError => x instanceof EgressDeniedError);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** This machine's interface addresses: a server bound to 0.0.0.0 answers on each of them. */
export function localInterfaceAddresses(): IpAddress[] {
  const out: IpAddress[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      const ip = parseIp(info.address);
      if (ip) out.push(ip);
    }
  }
  return out;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function checkedLookup(port: number, policy: HostPolicy, local: IpAddress[]) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const ip = parseIp(a.address);
        const refusal = ip
          ? checkConnection(hostname, ip, port, policy, local)
          : `${hostname} resolved to "${a.address}", which is not an IP address`;
        if (refusal) return callback(new EgressDeniedError(refusal), []);
      }
      if (addresses.length === 0) {
        return callback(Object.assign(new Error(`${hostname}: no addresses`), { code: 'ENOTFOUND' }), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * A connector for undici's Agent (`connect` option) enforcing `policy` on the resolved address.
 * `tls` carries the TLS settings the plain connector would get (e.g. rejectUnauthorized).
 */
export function egressConnector(
  policy: HostPolicy,
  tls: { rejectUnauthorized?: boolean } = {},
): buildConnector.connector {
  const local = localInterfaceAddresses();
  // One inner connector per port (the lookup must know the port); each keeps its TLS session cache.
  const byPort = new Map<number, buildConnector.connector>();
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    if (isIP(options.hostname) !== 0) {
      // Literals skip the resolver (net.connect never calls lookup for them): check them here.
      const refusal = checkConnection(options.hostname, parseIp(options.hostname)!, port, policy, local);
      if (refusal) {
        callback(new EgressDeniedError(refusal), null);
        return;
      }
    }
    let connect = byPort.get(port);
    if (!connect) {
      connect = buildConnector({ ...tls, lookup: checkedLookup(port, policy, local) });
      byPort.set(port, connect);
    }
    connect(options, callback);
  };
}
