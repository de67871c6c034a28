// Formats console arguments on the host side, so logging needs no guest-side helper code.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';

function formatOne(ctx: QuickJSContext, h: QuickJSHandle, top: boolean): string {
  const type = ctx.typeof(h);
  if (type === 'string') return top ? ctx.getString(h) : JSON.stringify(ctx.getString(h));
  if (type === 'undefined') return 'undefined';
  if (type === 'function') return '[Function]';
  if (type === 'symbol' || type === 'bigint') return String(ctx.dump(h));
  if (type !== 'object') return String(ctx.dump(h));
  const value: unknown = ctx.dump(h);
  if (value && typeof value === 'object' && 'message' in value && 'name' in value && 'stack' in value) {
    const e = value as { name: string; message: string; stack?: string };
    return `${e.name}: ${e.message}${e.stack ? `\n${e.stack.trimEnd()}` : ''}`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function formatLogArgs(ctx: QuickJSContext, args: QuickJSHandle[]): string {
  return args.map((a) => formatOne(ctx, a, true)).join(' ');
}
