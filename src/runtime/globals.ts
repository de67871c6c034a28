// Installs the guest's globals in a new context: console, reportProgress and timers as host
// functions, Math.random backed by the host, and the guest-side chunks (the ten error classes,
// fetch, URL & co.). The context is built once per WebAssembly instance and snapshotted
// (prepared-context.ts), so parsing the chunks is paid once, not per run. Host functions reach the
// current run's recorder and timers through `run()`, since they outlive any single run.
import { randomBytes, randomUUID } from 'node:crypto';
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { PRELUDE_ERRORS, PRELUDE_FETCH } from './prelude-core.ts';
import { PRELUDE_WEB } from './prelude-web.ts';
import { hostUrl } from './host-url.ts';
import type { RunRecorder } from './recorder.ts';
import { formatLogArgs } from './inspect.ts';

const CHUNKS = { errors: PRELUDE_ERRORS, fetch: PRELUDE_FETCH, web: PRELUDE_WEB };

export interface Timer {
  id: number;
  due: number;
  fn: QuickJSHandle;
}

/** What the host functions act on during one run. */
export interface RunState {
  rec: RunRecorder;
  timers: Timer[];
  nextTimerId: number;
  /** Epoch ms by which a fetch must be answered (the run's deadline). */
  fetchDeadline: number;
}

export interface GuestGlobals {
  /** Also handed to the task as `context.reportProgress`. */
  reportProgress: QuickJSHandle;
  dispose(): void;
}

export function installGlobals(ctx: QuickJSContext, run: () => RunState): GuestGlobals {
  const console = ctx.newObject();
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    ctx
      .newFunction(level, (...args) => {
        run().rec.log(level, formatLogArgs(ctx, args));
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
    run().rec.progress(f, text);
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
      const state = run();
      const id = state.nextTimerId++;
      state.timers.push({ id, due: Date.now() + delay, fn: fn.dup() });
      return ctx.newNumber(id);
    })
    .consume((f) => ctx.setProp(ctx.global, 'setTimeout', f));
  ctx
    .newFunction('clearTimeout', (id) => {
      const n = id && ctx.typeof(id) === 'number' ? ctx.getNumber(id) : -1;
      const { timers } = run();
      const i = timers.findIndex((t) => t.id === n);
      if (i >= 0) timers.splice(i, 1)[0]!.fn.dispose();
    })
    .consume((f) => ctx.setProp(ctx.global, 'clearTimeout', f));

  // QuickJS seeds Math.random when a context is created; every run starts from the same snapshot,
  // so the guest would see the same sequence each time. The host's generator differs per call.
  ctx
    .getProp(ctx.global, 'Math')
    .consume((math) =>
      ctx
        .newFunction('random', () => ctx.newNumber(Math.random()))
        .consume((f) => ctx.setProp(math, 'random', f)),
    );

  const host = chunkHost(ctx, run);
  try {
    for (const [chunk, source] of Object.entries(CHUNKS)) {
      const factory = ctx.unwrapResult(ctx.evalCode(source, `ratchet:${chunk}`, { strict: true }));
      const r = ctx.callFunction(factory, ctx.undefined, ctx.global, host);
      factory.dispose();
      ctx.unwrapResult(r).dispose();
    }
  } finally {
    host.dispose();
  }

  return {
    reportProgress,
    dispose() {
      if (reportProgress.alive) reportProgress.dispose();
    },
  };
}

/** String-only host functions handed to a chunk's factory; never reachable as a global. */
function chunkHost(ctx: QuickJSContext, run: () => RunState): QuickJSHandle {
  const host = ctx.newObject();
  const fn = (name: string, impl: (...args: QuickJSHandle[]) => QuickJSHandle | undefined) =>
    ctx.newFunction(name, impl).consume((h) => ctx.setProp(host, name, h));
  fn('fetch', (requestJson) => {
    const state = run();
    const remaining = state.fetchDeadline - Date.now();
    const exchange = state.rec.fetch(JSON.parse(ctx.getString(requestJson)), Math.max(1, remaining));
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
