// Installs the guest's globals in a fresh context. Parsing guest code is the dominant cost of a
// fresh context, so the always-present globals (console, reportProgress, timers) are host
// functions created without evaluating any source, and everything written in JS (error classes,
// fetch, URL & co.) is evaluated only when the task first touches one of its names.
import { randomBytes, randomUUID } from 'node:crypto';
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { PRELUDE_ERRORS, PRELUDE_FETCH } from './prelude-core.ts';
import { PRELUDE_WEB } from './prelude-web.ts';
import { hostUrl } from './host-url.ts';
import type { RunRecorder } from './recorder.ts';
import { formatLogArgs } from './inspect.ts';

export const ERROR_CLASSES = [
  'AuthenticationError',
  'AuthorizationError',
  'NetworkError',
  'HttpError',
  'ValidationError',
  'ConfigurationError',
  'RateLimitError',
  'ServiceUnavailableError',
  'TimeoutError',
  'DataError',
] as const;

const CHUNKS: Record<string, { source: string; names: readonly string[] }> = {
  errors: { source: PRELUDE_ERRORS, names: ERROR_CLASSES },
  fetch: { source: PRELUDE_FETCH, names: ['fetch'] },
  web: {
    source: PRELUDE_WEB,
    names: ['URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'atob', 'btoa', 'crypto'],
  },
};

export interface Timer {
  id: number;
  due: number;
  fn: QuickJSHandle;
}

export interface GuestGlobals {
  timers: Timer[];
  reportProgress: QuickJSHandle;
  dispose(): void;
}

export function installGlobals(
  ctx: QuickJSContext,
  rec: RunRecorder,
  fetchDeadline: () => number,
): GuestGlobals {
  const timers: Timer[] = [];
  let nextTimerId = 1;
  const loaded = new Set<string>();

  const console = ctx.newObject();
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    ctx
      .newFunction(level, (...args) => {
        rec.log(level, formatLogArgs(ctx, args));
      })
      .consume((f) => ctx.setProp(console, level, f));
  }
  ctx.getProp(console, 'debug').consume((f) => ctx.setProp(console, 'trace', f));
  ctx.setProp(ctx.global, 'console', console);
  console.dispose();

  const reportProgress = ctx.newFunction('reportProgress', (fraction, message) => {
    const f = ctx.typeof(fraction) === 'number' ? ctx.getNumber(fraction) : NaN;
    if (!(f >= 0 && f <= 1)) {
      return {
        error: ctx.newError({
          name: 'RangeError',
          message: `reportProgress: fraction must be a number from 0 to 1`,
        }),
      };
    }
    const text =
      message === undefined || ctx.typeof(message) === 'undefined' ? '' : String(ctx.dump(message));
    rec.progress(f, text);
    return undefined;
  });
  ctx.setProp(ctx.global, 'reportProgress', reportProgress);

  ctx
    .newFunction('setTimeout', (fn, ms) => {
      if (!fn || ctx.typeof(fn) !== 'function') {
        return {
          error: ctx.newError({ name: 'TypeError', message: 'setTimeout: callback must be a function' }),
        };
      }
      const delay = ms && ctx.typeof(ms) === 'number' ? Math.max(0, ctx.getNumber(ms)) : 0;
      const id = nextTimerId++;
      timers.push({ id, due: Date.now() + delay, fn: fn.dup() });
      return ctx.newNumber(id);
    })
    .consume((f) => ctx.setProp(ctx.global, 'setTimeout', f));
  ctx
    .newFunction('clearTimeout', (id) => {
      const n = id && ctx.typeof(id) === 'number' ? ctx.getNumber(id) : -1;
      const i = timers.findIndex((t) => t.id === n);
      if (i >= 0) timers.splice(i, 1)[0]!.fn.dispose();
    })
    .consume((f) => ctx.setProp(ctx.global, 'clearTimeout', f));

  const load = (chunk: string): void => {
    if (loaded.has(chunk)) return;
    loaded.add(chunk);
    const host = chunkHost(ctx, rec, fetchDeadline);
    try {
      const factory = ctx.unwrapResult(
        ctx.evalCode(CHUNKS[chunk]!.source, `ratchet:${chunk}`, { strict: true }),
      );
      const r = ctx.callFunction(factory, ctx.undefined, ctx.global, host);
      factory.dispose();
      ctx.unwrapResult(r).dispose();
    } finally {
      host.dispose();
    }
  };
  for (const [chunk, { names }] of Object.entries(CHUNKS)) {
    for (const name of names) {
      ctx.defineProp(ctx.global, name, {
        configurable: true,
        enumerable: false,
        get: () => {
          load(chunk);
          return ctx.getProp(ctx.global, name);
        },
        set: (value) => {
          ctx.defineProp(ctx.global, name, { value, configurable: true, enumerable: false });
        },
      });
    }
  }

  return {
    timers,
    reportProgress,
    dispose() {
      for (const t of timers.splice(0)) t.fn.dispose();
      if (reportProgress.alive) reportProgress.dispose();
    },
  };
}

/** String-only host functions handed to a chunk's factory; never reachable as a global. */
function chunkHost(ctx: QuickJSContext, rec: RunRecorder, fetchDeadline: () => number): QuickJSHandle {
  const host = ctx.newObject();
  const fn = (name: string, impl: (...args: QuickJSHandle[]) => QuickJSHandle | undefined) =>
    ctx.newFunction(name, impl).consume((h) => ctx.setProp(host, name, h));
  fn('fetch', (requestJson) => {
    const remaining = fetchDeadline() - Date.now();
    const exchange = rec.fetch(JSON.parse(ctx.getString(requestJson)), Math.max(1, remaining));
    const answer = exchange.error ? { error: exchange.error } : exchange.response;
    return ctx.newString(JSON.stringify(answer));
  });
  fn('url', (input, base, hasBase, setName, setValue) =>
    ctx.newString(
      hostUrl(
        ctx.getString(input),
        ctx.dump(hasBase) ? ctx.getString(base) : undefined,
        ctx.getString(setName),
        ctx.getString(setValue),
      ),
    ),
  );
  fn('uuid', () => ctx.newString(randomUUID()));
  fn('random', (n) =>
    ctx.newString(randomBytes(Math.min(65536, Math.max(0, ctx.getNumber(n)))).toString('hex')),
  );
  return host;
}
