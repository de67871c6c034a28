// Web APIs for the guest, evaluated on first access (see prelude-core.ts): URL (parsed by the
// host's WHATWG parser so behaviour matches Node exactly), URLSearchParams, TextEncoder,
// TextDecoder, atob, btoa and crypto (randomUUID, getRandomValues from the host's CSPRNG).

export const PRELUDE_WEB = String.raw`(function (g, host) {
  'use strict';
  function define(name, value) {
    Object.defineProperty(g, name, { value: value, writable: true, configurable: true });
  }

  function formEncode(s) {
    return encodeURIComponent(s).replace(/[!'()~]/g, function (c) {
      return '%' + c.charCodeAt(0).toString(16).toUpperCase();
    }).replace(/%20/g, '+');
  }
  function formDecode(s) {
    try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch (e) { return s; }
  }
  class URLSearchParams {
    constructor(init) {
      this._list = [];
      this._url = null;
      if (init === undefined || init === null) return;
      if (typeof init === 'string') { this._parse(init); return; }
      if (init instanceof URLSearchParams) { this._list = init._list.map(function (p) { return [p[0], p[1]]; }); return; }
      if (Array.isArray(init)) {
        for (const pair of init) {
          if (!pair || pair.length !== 2) throw new TypeError('URLSearchParams: each pair must have two elements');
          this._list.push([String(pair[0]), String(pair[1])]);
        }
        return;
      }
      if (typeof init === 'object') for (const k of Object.keys(init)) this._list.push([k, String(init[k])]);
    }
    _parse(s) {
      this._list = [];
      if (s.charAt(0) === '?') s = s.slice(1);
      for (const part of s.split('&')) {
        if (!part) continue;
        const i = part.indexOf('=');
        this._list.push(i < 0 ? [formDecode(part), ''] : [formDecode(part.slice(0, i)), formDecode(part.slice(i + 1))]);
      }
    }
    _changed() { if (this._url) this._url._setSearch(this.toString()); }
    get size() { return this._list.length; }
    append(k, v) { this._list.push([String(k), String(v)]); this._changed(); }
    delete(k, v) {
      k = String(k);
      this._list = this._list.filter(function (p) { return !(p[0] === k && (v === undefined || p[1] === String(v))); });
      this._changed();
    }
    get(k) { k = String(k); const p = this._list.find(function (q) { return q[0] === k; }); return p ? p[1] : null; }
    getAll(k) { k = String(k); return this._list.filter(function (q) { return q[0] === k; }).map(function (q) { return q[1]; }); }
    has(k, v) { k = String(k); return this._list.some(function (q) { return q[0] === k && (v === undefined || q[1] === String(v)); }); }
    set(k, v) {
      k = String(k); v = String(v);
      const i = this._list.findIndex(function (q) { return q[0] === k; });
      if (i < 0) this._list.push([k, v]);
      else { this._list[i][1] = v; this._list = this._list.filter(function (q, j) { return j <= i || q[0] !== k; }); }
      this._changed();
    }
    sort() { this._list.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; }); this._changed(); }
    forEach(fn, thisArg) { for (const p of this._list) fn.call(thisArg, p[1], p[0], this); }
    keys() { return this._list.map(function (p) { return p[0]; })[Symbol.iterator](); }
    values() { return this._list.map(function (p) { return p[1]; })[Symbol.iterator](); }
    entries() { return this._list.map(function (p) { return [p[0], p[1]]; })[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this._list.map(function (p) { return formEncode(p[0]) + '=' + formEncode(p[1]); }).join('&'); }
  }
  define('URLSearchParams', URLSearchParams);

  const PARTS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];
  class URL {
    constructor(input, base) {
      const r = host.url(String(input), base === undefined ? '' : String(base), base !== undefined, '', '');
      if (r === '') throw new TypeError('Invalid URL: ' + String(input) + (base === undefined ? '' : ' (base ' + String(base) + ')'));
      this._apply(JSON.parse(r));
    }
    static canParse(input, base) { try { new URL(input, base); return true; } catch (e) { return false; } }
    _apply(parts) {
      this._parts = parts;
      if (!this._params) { this._params = new URLSearchParams(parts.search); this._params._url = this; }
      else this._params._parse(parts.search);
    }
    _update(name, value) {
      const r = host.url(this._parts.href, '', false, name, String(value));
      if (r !== '') this._apply(JSON.parse(r));
    }
    _setSearch(s) { const r = host.url(this._parts.href, '', false, 'search', s); if (r !== '') this._parts = JSON.parse(r); }
    get searchParams() { return this._params; }
    toString() { return this._parts.href; }
    toJSON() { return this._parts.href; }
  }
  PARTS.forEach(function (name) {
    const desc = { get: function () { return this._parts[name]; }, configurable: true };
    if (name !== 'origin') desc.set = function (v) { this._update(name, v); };
    Object.defineProperty(URL.prototype, name, desc);
  });
  define('URL', URL);

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input) {
      const s = input === undefined ? '' : String(input);
      const out = [];
      for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
          else c = 0xfffd;
        } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        if (c < 0x80) out.push(c);
        else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return new Uint8Array(out);
    }
  }
  define('TextEncoder', TextEncoder);

  class TextDecoder {
    constructor(label, options) {
      const l = label === undefined ? 'utf-8' : String(label).toLowerCase();
      if (l !== 'utf-8' && l !== 'utf8') throw new RangeError('TextDecoder: only utf-8 is supported, got ' + label);
      this._fatal = !!(options && options.fatal);
    }
    get encoding() { return 'utf-8'; }
    decode(input) {
      if (input === undefined) return '';
      const b = input instanceof Uint8Array ? input : ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
      let s = '';
      const fatal = this._fatal;
      function bad() { if (fatal) throw new TypeError('TextDecoder: invalid UTF-8'); return 0xfffd; }
      for (let i = 0; i < b.length;) {
        const c = b[i];
        let cp, n = 0;
        if (c < 0x80) { cp = c; n = 1; }
        else if (c >= 0xc2 && c < 0xe0) { n = 2; cp = c & 31; }
        else if (c >= 0xe0 && c < 0xf0) { n = 3; cp = c & 15; }
        else if (c >= 0xf0 && c < 0xf5) { n = 4; cp = c & 7; }
        if (!n || i + n > b.length) { s += String.fromCharCode(bad()); i++; continue; }
        let ok = true;
        for (let j = 1; j < n; j++) { const d = b[i + j]; if ((d & 0xc0) !== 0x80) { ok = false; break; } cp = (cp << 6) | (d & 63); }
        if (!ok || (n === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) {
          s += String.fromCharCode(bad()); i++; continue;
        }
        s += String.fromCodePoint(cp);
        i += n;
      }
      return s;
    }
  }
  define('TextDecoder', TextDecoder);

  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  define('btoa', function btoa(input) {
    const s = String(input);
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) throw new Error('btoa: the string contains characters outside of the Latin1 range');
      const n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
    }
    return out;
  });
  define('atob', function atob(input) {
    let s = String(input).replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw new Error('atob: the string to be decoded is not correctly encoded');
    let out = '';
    let bits = 0, acc = 0;
    for (let i = 0; i < s.length; i++) {
      acc = (acc << 6) | B64.indexOf(s[i]);
      bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((acc >> bits) & 255); }
    }
    return out;
  });

  define('crypto', {
    randomUUID: function () { return host.uuid(); },
    getRandomValues: function (array) {
      if (!ArrayBuffer.isView(array)) throw new TypeError('crypto.getRandomValues: argument must be a typed array');
      if (array.byteLength > 65536) throw new RangeError('crypto.getRandomValues: at most 65536 bytes per call');
      const hex = host.random(array.byteLength);
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
      return array;
    },
  });
})
`;
