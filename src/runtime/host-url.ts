// The guest's URL class delegates parsing and setters to Node's WHATWG URL, so URLs behave
// exactly as in Node and browsers. Returns the parts as JSON, or '' when the input is invalid.

const SETTABLE = new Set([
  'href',
  'protocol',
  'username',
  'password',
  'host',
  'hostname',
  'port',
  'pathname',
  'search',
  'hash',
]);

export function hostUrl(input: string, base: string | undefined, setName: string, setValue: string): string {
  let url: URL;
  try {
    url = base === undefined ? new URL(input) : new URL(input, base);
  } catch {
    return '';
  }
  if (setName && SETTABLE.has(setName)) {
    try {
      (url as unknown as Record<string, string>)[setName] = setValue;
    } catch {
      return '';
    }
  }
  return JSON.stringify({
    href: url.href,
    origin: url.origin,
    protocol: url.protocol,
    username: url.username,
    password: url.password,
    host: url.host,
    hostname: url.hostname,
    port: url.port,
    pathname: url.pathname,
    search: url.search,
    hash: url.hash,
  });
}
