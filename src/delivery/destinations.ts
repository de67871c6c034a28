// Output destinations (COMPAT.md §7): where a finished job's result is sent. The field names are
// the API's camelCase ones; every field but the identifying one has a default, so
// `{ "type": "stdio" }` is a complete destination.
import { z } from 'zod';

const retryPolicy = z
  .object({
    maxAttempts: z.number().int().min(1).max(20).default(3),
    initialDelaySeconds: z.number().min(0).default(1),
    maxDelaySeconds: z.number().min(0).default(60),
    backoffMultiplier: z.number().min(1).default(2),
  })
  .strict();

const authentication = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
  z
    .object({
      type: z.literal('api_key'),
      key: z.string().min(1),
      header: z.string().min(1).default('X-API-Key'),
    })
    .strict(),
]);

/**
 * `{ "bearer": { "token": … } }` (one key naming the kind, as the original API serialised it) is
 * accepted next to the tagged `{ "type": "bearer", "token": … }`.
 */
function untagAuthentication(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || 'type' in value) return value;
  const keys = Object.keys(value);
  const inner = (value as Record<string, unknown>)[keys[0]!];
  if (keys.length === 1 && ['bearer', 'basic', 'api_key'].includes(keys[0]!) && typeof inner === 'object') {
    return { type: keys[0], ...inner };
  }
  return value;
}

export const WebhookDestinationSchema = z
  .object({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutSeconds: z.number().positive().max(3600).default(30),
    contentType: z.string().min(1).default('application/json'),
    retryPolicy: retryPolicy.prefault({}),
    authentication: z.preprocess(untagAuthentication, authentication).optional(),
    /** Signs the body: `X-Ratchet-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
    secret: z.string().min(1).optional(),
  })
  .strict();

export const FilesystemDestinationSchema = z
  .object({
    type: z.literal('filesystem'),
    path: z.string().min(1),
    format: z.enum(['json', 'yaml', 'csv']).default('json'),
    /** Octal file mode such as "644" or "0600". */
    permissions: z
      .union([z.string().regex(/^0?[0-7]{3}$/, 'must be an octal mode such as "644"'), z.number().int()])
      .optional(),
    /** Write the whole result envelope (job, execution, status) rather than the output alone. */
    includeMetadata: z.boolean().default(false),
    overwrite: z.boolean().default(true),
  })
  .strict();

export const StdioDestinationSchema = z
  .object({
    type: z.literal('stdio'),
    stream: z.enum(['stdout', 'stderr']).default('stdout'),
    format: z.enum(['json', 'yaml', 'text']).default('json'),
    includeMetadata: z.boolean().default(false),
    prefix: z.string().optional(),
  })
  .strict();

export const DestinationSchema = z.discriminatedUnion('type', [
  WebhookDestinationSchema,
  FilesystemDestinationSchema,
  StdioDestinationSchema,
]);

export type WebhookDestination = z.infer<typeof WebhookDestinationSchema>;
export type FilesystemDestination = z.infer<typeof FilesystemDestinationSchema>;
export type StdioDestination = z.infer<typeof StdioDestinationSchema>;
export type Destination = z.infer<typeof DestinationSchema>;

export class DestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationError';
  }
}

function describeIssues(error: z.ZodError, base: (string | number)[]): string {
  return error.issues
    .map((issue) => {
      const path = [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
      const where = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
      return `outputDestinations${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses one destination; a DestinationError names the offending path. */
export function parseDestination(value: unknown, index = 0): Destination {
  const res = DestinationSchema.safeParse(value);
  if (!res.success) throw new DestinationError(describeIssues(res.error, [index]));
  return res.data;
}

/** Parses a list of destinations (null/undefined: none). */
export function parseDestinations(value: unknown): Destination[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DestinationError('outputDestinations: must be an array');
  return value.map((d, i) => parseDestination(d, i));
}

const REDACTED = '[redacted]';
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key)$|token|secret|key/i;

/** A copy safe to store in delivery_results and to print: credentials and secrets replaced. */
export function redactDestination(d: Destination): Record<string, unknown> {
  if (d.type !== 'webhook') return { ...d };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.headers)) headers[k] = SECRET_HEADERS.test(k) ? REDACTED : v;
  const out: Record<string, unknown> = { ...d, headers };
  if (d.secret !== undefined) out.secret = REDACTED;
  if (d.authentication) {
    const a = d.authentication;
    out.authentication =
      a.type === 'bearer'
        ? { type: 'bearer', token: REDACTED }
        : a.type === 'basic'
          ? { type: 'basic', username: a.username, password: REDACTED }
          : { type: 'api_key', header: a.header, key: REDACTED };
  }
  return out;
}
