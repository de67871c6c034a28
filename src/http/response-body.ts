// Reading a response body into the string form that crosses the sandbox boundary: text as UTF-8,
// everything else as base64, with a hard cap on the number of bytes we are willing to hold.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { TextDecoder } from 'node:util';
import type { BodyEncoding } from './types.ts';

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`response body exceeds the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Collects a body stream, failing as soon as it grows past `limit` bytes. */
export async function readCappedBody(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): void },
  limit: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limit) {
      body.destroy();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/**
 * Undoes a Content-Encoding the server applied (only when the task asked for it with its own
 * Accept-Encoding: we never send one), so tasks see the same body a browser's fetch would give.
 * Unknown or broken encodings leave the bytes as they came.
 */
export function decodeContentEncoding(
  bytes: Buffer,
  contentEncoding: string | undefined,
  limit: number,
): Buffer {
  if (!contentEncoding || bytes.length === 0) return bytes;
  const coding = contentEncoding.trim().toLowerCase();
  const options = { maxOutputLength: limit };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(bytes, options);
    if (coding === 'deflate') return inflateSync(bytes, options);
    if (coding === 'br') return brotliDecompressSync(bytes, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError(limit);
    return bytes;
  }
  return bytes;
}

/** Splits a Content-Type header into the bare media type and its charset parameter. */
export function parseContentType(header: string | undefined): {
  mimeType: string;
  charset: string | undefined;
} {
  if (!header) return { mimeType: '', charset: undefined };
  const [type = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'charset') {
      charset = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
    }
  }
  return { mimeType: type.trim().toLowerCase(), charset };
}

const TEXT_TYPES = new Set(['application/javascript', 'application/x-www-form-urlencoded']);

/** True for media types whose bodies are text and are handed to tasks as strings. */
export function isTextMimeType(mimeType: string): boolean {
  if (mimeType.startsWith('text/') || TEXT_TYPES.has(mimeType)) return true;
  const slash = mimeType.indexOf('/');
  if (slash < 0) return false;
  const subtype = mimeType.slice(slash + 1);
  return subtype === 'json' || subtype.endsWith('+json') || subtype === 'xml' || subtype.endsWith('+xml');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const decoders = new Map<string, TextDecoder>();

function decoderFor(charset: string | undefined): TextDecoder {
  const label = (charset ?? 'utf-8').toLowerCase();
  let decoder = decoders.get(label);
  if (!decoder) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      // An unknown charset label: UTF-8 is the best guess and what browsers fall back to.
      decoder = decoders.get('utf-8') ?? new TextDecoder('utf-8');
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

/** Turns body bytes into the boundary form: text types as UTF-8 strings, anything else base64. */
export function encodeBody(
  bytes: Buffer,
  mimeType: string,
  charset: string | undefined,
): { body: string; bodyEncoding: BodyEncoding } {
  if (bytes.length === 0) return { body: '', bodyEncoding: 'utf8' };
  if (isTextMimeType(mimeType)) return { body: decoderFor(charset).decode(bytes), bodyEncoding: 'utf8' };
  if (mimeType === '') {
    try {
      return { body: strictUtf8.decode(bytes), bodyEncoding: 'utf8' };
    } catch {
      // Not valid UTF-8: fall through to base64 so no byte is lost.
    }
  }
  return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
}
