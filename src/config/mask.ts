// Masking secrets for display (`ratchet config show`, error messages, logs). A key is secret by its
// name, so keys added later (an `api_token`, a `webhook_secret`) are masked without registering them;
// passwords inside URLs are masked wherever a URL appears.

/** Key names whose values are secrets: *secret*, *token*, *password*, *credential*, `key`, `*_key`s for auth. */
export const SECRET_KEY_PATTERN = /secret|token|passw(or)?d|credential|^key$|^api_?key$|^private_?key$/i;

export const MASK = '****';

export function isSecretKey(name: string): boolean {
  return SECRET_KEY_PATTERN.test(name);
}

/**
 * `postgres://user:pw@host/db` → `postgres://user:****@host/db`. A bare user on http(s)
 * (`https://ghp_abc@github.com/…`) is a token, so it is masked too; `ssh://git@host` is left alone.
 */
export function maskUrl(text: string): string {
  return text.replace(
    /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(?::([^\s/@]*))?@/gi,
    (whole: string, scheme: string, user: string, password: string | undefined) => {
      if (password !== undefined) return `${scheme}${user}:${MASK}@`;
      if (/^https?:\/\/$/i.test(scheme) && user) return `${scheme}${MASK}@`;
      return whole;
    },
  );
}

/** A deep copy of `value` with secret-named keys replaced by `****` and URL passwords masked. */
export function maskSecrets<T>(value: T): T {
  return walk(value, false) as T;
}

function walk(value: unknown, secret: boolean): unknown {
  if (typeof value === 'string') return secret && value !== '' ? MASK : maskUrl(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, secret));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, secret || isSecretKey(k));
    return out;
  }
  if (secret && (typeof value === 'number' || typeof value === 'bigint')) return MASK;
  return value;
}
