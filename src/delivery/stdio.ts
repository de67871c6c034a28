// Stdio destination: writes the result to the process's stdout or stderr (useful for `ratchet
// worker` under a log collector). The streams are injectable so tests can capture them.
import type { StdioDestination } from './destinations.ts';
import { formatText, formatYaml, valueFor } from './payload.ts';
import type { DeliveryContext } from './payload.ts';

export interface StdioStreams {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** The text written for a result: formatted, each line preceded by the prefix if one is set. */
export function renderStdio(dest: StdioDestination, ctx: DeliveryContext): string {
  const value = valueFor(ctx, dest.includeMetadata);
  let text =
    dest.format === 'yaml'
      ? formatYaml(value)
      : dest.format === 'text'
        ? formatText(value)
        : JSON.stringify(value);
  if (!text.endsWith('\n')) text += '\n';
  if (dest.prefix === undefined || dest.prefix === '') return text;
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => `${dest.prefix}${line}\n`)
    .join('');
}

export function deliverToStdio(
  dest: StdioDestination,
  ctx: DeliveryContext,
  streams: StdioStreams = process,
): { bytes: number } {
  const text = renderStdio(dest, ctx);
  streams[dest.stream].write(text);
  return { bytes: Buffer.byteLength(text) };
}
