// Installs the guest's globals in a new context: console, reportProgress and timers as host
// functions, Math.random backed by the host, and the guest-side chunks (the ten error classes,
// fetch, URL & co.). The context is built once per WebAssembly instance and snapshotted
// (prepared-context.ts), so parsing the chunks is paid once, not per run. Host functions reach the
// current run's recorder and timers through `run()`, since they outlive any single run.
// Every host function first checks that the run may go on (deadline, cancel, host budget): past
// that it does no work and throws, so a task calling console.log in a loop with a 50 MB string
// stops at its deadline instead of converting strings for a minute.
import { randomBytes, randomUUID } from 'node:crypto';
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import type { HttpRequestSpec } from '../http/types.ts';
import { PRELUDE_ERRORS, PRELUDE_FETCH } from './prelude-core.ts';
import { PRELUDE_WEB } from './prelude-web.ts';
import { hostUrl } from './host-url.ts';
import { MAX_LOG_LINE, MAX_PROGRESS_MESSAGE, type RunRecorder } from './recorder.ts';
import { guestText } from './inspect.ts';
import { TIMER_COST_BYTES } from './host-budget.ts';

const CHUNKS = { errors: PRELUDE_ERRORS, fetch: PRELUDE_FETCH, web: PRELUDE_WEB };

export interface Timer {
  id: number;
  due: number;
  fn: QuickJSHandle;
}

/** What the host functions act on during one run. */
export interface RunState {
  rec: RunRecorder;
  /** Pending guest timers by id; each is charged TIMER_COST_BYTES to the host budget. */
  timers: Map<number, Timer>;
  nextTimerId: number;
  /** Epoch ms by which a fetch must be answered (the run's deadline). */
  fetchDeadline: number;
  /** True once the run must stop (deadline, cancel, host budget); host functions then do nothing. */
  halted(): boolean;
}

export interface GuestGlobals {
  /** Also handed to the task as `context.reportProgress`. */
  reportProgress: QuickJSHandle;
  dispose(): void;
}

/** Thrown into the guest by a host function called after the run had to stop. */
function stopped(ctx: QuickJSContext): { error: QuickJSHandle } {
  return { error: ctx.newError({ name: 'InternalError', message: 'interrupted: the run is stopping' }) };
}

export function installGlobals(ctx: QuickJSContext, run: () => RunState): GuestGlobals {
  const text = guestText(ctx);
  const console = ctx.newObject();
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    ctx
      .newFunction(level, (...args) => {
        const state = run();
        if (state.halted()) return stopped(ctx);
        // Past the log caps nothing is kept, so nothing is converted either (only counted).
        const line = state.rec.acceptsLogs() ? text.logLine(args, MAX_LOG_LINE) : '';
        // Formatting runs in the guest and may be what the deadline (or a cancel) interrupted: then
        // the line is not what the task logged, and the run is over anyway.
        if (state.halted()) return stopped(ctx);
        state.rec.log(level, line);
        return undefined;
      })
      .consume((f) => ctx.setProp(console, level, f));
  }
  ctx.getProp(console, 'debug').consume((f) => ctx.setProp(console, 'trace', f));
  ctx.setProp(ctx.global, 'console', console);
  console.dispose();

  const reportProgress = ctx.newFunction('reportProgress', (fraction, message) => {
    const state = run();
    if (state.halted()) return stopped(ctx);
    const f = ctx.typeof(fraction) === 'number' ? ctx.getNumber(fraction) : NaN;
    if (!(f >= 0 && f <= 1)) {
      return {
        error: ctx.newError({
          name: 'RangeError',
          message: `reportProgress: fraction must be a number from 0 to 1`,
        }),
      };
    }
    const said =
      message === undefined || ctx.typeof(message) === 'undefined'
        ? ''
        : text.text(message, MAX_PROGRESS_MESSAGE);
    // An interrupted formatter returns '' (inspect.ts): recording that would make the run's last
    // progress a message the task never sent.
    if (state.halted()) return stopped(ctx);
    state.rec.progress(f, said);
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
      const state = run();
      if (state.halted()) return stopped(ctx);
      if (!state.rec.budget.charge(TIMER_COST_BYTES, `pending timers (${state.timers.size} set)`)) {
        return stopped(ctx);
      }
      const delay = ms && ctx.typeof(ms) === 'number' ? Math.max(0, ctx.getNumber(ms)) : 0;
      const id = state.nextTimerId++;
      state.timers.set(id, { id, due: Date.now() + delay, fn: fn.dup() });
      return ctx.newNumber(id);
    })
    .consume((f) => ctx.setProp(ctx.global, 'setTimeout', f));
  ctx
    .newFunction('clearTimeout', (id) => {
      const n = id && ctx.typeof(id) === 'number' ? ctx.getNumber(id) : -1;
      const state = run();
      const timer = state.timers.get(n);
      if (!timer) return;
      state.timers.delete(n);
      timer.fn.dispose();
      state.rec.budget.release(TIMER_COST_BYTES);
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
      text.dispose();
    },
  };
}

/** String-only host functions handed to a chunk's factory; never reachable as a global. */
function chunkHost(ctx: QuickJSContext, run: () => RunState): QuickJSHandle {
  const host = ctx.newObject();
  type Impl = (...args: QuickJSHandle[]) => QuickJSHandle | { error: QuickJSHandle } | undefined;
  // None of them does any work once the run has to stop.
  const fn = (name: string, impl: Impl) =>
    ctx
      .newFunction(name, (...args) => (run().halted() ? stopped(ctx) : impl(...args)))
      .consume((h) => ctx.setProp(host, name, h));
  fn('fetch', (requestJson, body) => {
    const state = run();
    const remaining = state.fetchDeadline - Date.now();
    const request = JSON.parse(ctx.getString(requestJson)) as HttpRequestSpec;
    request.body = body && ctx.typeof(body) === 'string' ? ctx.getString(body) : null;
    const exchange = state.rec.fetch(request, Math.max(1, remaining));
    // The answer may have come after the deadline or a cancel, or its record may not fit.
    if (state.halted()) return stopped(ctx);
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
