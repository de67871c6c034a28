// mcp.authentication.method "token": one shared secret that lets a client in to /mcp (an API key
// still works there too). Read once when the server is built, so a missing token file stops the
// start-up with its path instead of refusing every request later.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RatchetConfig } from '../config/schema.ts';

export interface McpTokenCheck {
  /** The path the token guards. */
  path: string;
  matches(presented: string): boolean;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function readToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `mcp.authentication.token_file ${file}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`,
      { cause: err },
    );
  }
  const token = text.trim();
  if (token.length < 16)
    throw new Error(`mcp.authentication.token_file ${file}: the token must be at least 16 characters`);
  return token;
}

/** The token check for `path`, or undefined when mcp.authentication.method is not "token". */
export function mcpTokenCheck(config: RatchetConfig, path: string): McpTokenCheck | undefined {
  const auth = config.mcp.authentication;
  if (auth.method !== 'token') return undefined;
  const token = auth.token ?? readToken(auth.token_file!);
  // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first byte.
  const expected = digest(token);
  return { path, matches: (presented) => timingSafeEqual(digest(presented), expected) };
}
