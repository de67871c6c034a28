// Turns guest values into text for the host (console arguments, progress messages) without ever
// copying more than the host keeps: the formatting runs inside the guest (under its memory limit)
// and long strings are cut there, so `console.log` of a 50 MB string moves 64 KiB into the host,
// not 50 MB. The formatter is evaluated when the context is prepared, before the snapshot, and
// captures the intrinsics it uses, so a task replacing `String` or `JSON.stringify` changes nothing.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';

const FORMATTER = String.raw`(function () {
  'use strict';
  const S = String, E = Error, stringify = JSON.stringify, apply = Reflect.apply;
  const slice = String.prototype.slice, trimEnd = String.prototype.trimEnd;
  function cut(s, max) {
    if (s.length <= max) return s;
    return apply(slice, s, [0, max]) + '… [truncated by Ratchet: ' + s.length + ' characters]';
  }
  function error(v, max) {
    const stack = typeof v.stack === 'string' ? apply(trimEnd, cut(v.stack, max), []) : '';
    return cut(S(v.name), max) + ': ' + cut(S(v.message), max) + (stack ? '\n' + stack : '');
  }
  return function format(v, max) {
    try {
      if (typeof v === 'string') return cut(v, max);
      if (v === undefined) return 'undefined';
      if (typeof v === 'function') return '[Function]';
      if (typeof v !== 'object' || v === null) return cut(S(v), max);
      if (v instanceof E || ('name' in v && 'message' in v && typeof v.stack === 'string')) return error(v, max);
      const json = stringify(v);
      return cut(json === undefined ? S(v) : json, max);
    } catch (e) {
      try {
        return cut(S(v), max);
      } catch (e2) {
        return '[unprintable value]';
      }
    }
  };
})()`;

export interface GuestText {
  /** A guest value as text (strings as they are), at most `max` characters plus a marker. */
  text(h: QuickJSHandle, max: number): string;
  /** How console.log prints its arguments (space-separated), at most about `max` characters. */
  logLine(args: QuickJSHandle[], max: number): string;
  dispose(): void;
}

export function guestText(ctx: QuickJSContext): GuestText {
  const format = ctx.unwrapResult(ctx.evalCode(FORMATTER, 'ratchet:inspect', { strict: true }));

  const text = (h: QuickJSHandle, max: number): string => {
    const r = ctx
      .newNumber(Math.max(0, Math.floor(max)))
      .consume((n) => ctx.callFunction(format, ctx.undefined, h, n));
    if (r.error) {
      // Only an interrupt or exhausted memory gets here (the formatter catches the rest).
      r.error.dispose();
      return '';
    }
    return r.value.consume((v) => (ctx.typeof(v) === 'string' ? ctx.getString(v) : ''));
  };

  return {
    text,
    logLine(args, max) {
      const parts: string[] = [];
      let length = 0;
      for (const a of args) {
        // What lies past the line's limit would be cut by the recorder anyway: do not convert it.
        if (length > max) break;
        const part = text(a, max - length);
        parts.push(part);
        length += part.length + 1;
      }
      return parts.join(' ');
    },
    dispose() {
      if (format.alive) format.dispose();
    },
  };
}
