// Guest-side code chunks evaluated on first use (see globals.ts): the ten error classes of the
// original Ratchet, and the synchronous `fetch(url, params, body)`.

export const PRELUDE_ERRORS = String.raw`(function (g) {
  'use strict';
  function defineError(name, defaultMessage, init) {
    const C = class extends Error {
      constructor(message, ...rest) {
        super(message === undefined ? defaultMessage : message);
        if (init) init(this, message, ...rest);
      }
    };
    Object.defineProperty(C.prototype, 'name', { value: name, writable: true, configurable: true });
    Object.defineProperty(C, 'name', { value: name });
    Object.defineProperty(g, name, { value: C, writable: true, configurable: true });
  }
  defineError('AuthenticationError', 'Authentication failed');
  defineError('AuthorizationError', 'Not authorized');
  defineError('NetworkError', 'Network request failed');
  defineError('HttpError', 'HTTP request failed', function (self, statusOrMessage, message) {
    if (typeof statusOrMessage === 'number') {
      self.status = statusOrMessage;
      self.message = message === undefined ? 'HTTP error ' + statusOrMessage : String(message);
    }
  });
  defineError('ValidationError', 'Validation failed');
  defineError('ConfigurationError', 'Invalid configuration');
  defineError('RateLimitError', 'Rate limit exceeded');
  defineError('ServiceUnavailableError', 'Service unavailable');
  defineError('TimeoutError', 'Operation timed out');
  defineError('DataError', 'Invalid data');
})
`;

export const PRELUDE_FETCH = String.raw`(function (g, host) {
  'use strict';
  function headerObject(h) {
    const out = {};
    if (!h) return out;
    if (Array.isArray(h)) { h.forEach(function (pair) { out[pair[0]] = String(pair[1]); }); return out; }
    if (typeof h.forEach === 'function') { h.forEach(function (v, k) { out[k] = String(v); }); return out; }
    Object.keys(h).forEach(function (k) { if (h[k] !== undefined) out[k] = String(h[k]); });
    return out;
  }
  function hasHeader(headers, name) {
    return Object.keys(headers).some(function (k) { return k.toLowerCase() === name; });
  }
  function fetch(url, params, body) {
    if (url !== null && typeof url === 'object' && typeof url.href === 'string') url = url.href;
    if (typeof url !== 'string') throw new TypeError('fetch: the first argument must be a URL string');
    params = params || {};
    const method = String(params.method || 'GET').toUpperCase();
    const headers = headerObject(params.headers);
    if (body === undefined) body = params.body;
    let text = null;
    if (body !== undefined && body !== null) {
      if (typeof body === 'string') text = body;
      else if (typeof body === 'object' && body.constructor && body.constructor.name === 'URLSearchParams') {
        text = body.toString();
        if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      } else {
        text = JSON.stringify(body);
        if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json';
      }
    }
    // The body goes as its own string: JSON-escaping megabytes would cost time and host memory.
    const answer = JSON.parse(host.fetch(JSON.stringify({ method: method, url: url, headers: headers }), text));
    if (answer.error) {
      if (answer.error.type === 'TimeoutError') throw new g.TimeoutError(answer.error.message);
      throw new g.NetworkError(answer.error.message);
    }
    const raw = answer.body;
    let parsed = raw;
    if (answer.bodyEncoding === 'utf8' && raw !== '') {
      try { parsed = JSON.parse(raw); } catch (e) { parsed = raw; }
    }
    const response = {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
      body: parsed,
      url: answer.url,
    };
    if (answer.bodyEncoding === 'base64') response.bodyEncoding = 'base64';
    Object.defineProperty(response, 'text', { value: function () { return raw; } });
    Object.defineProperty(response, 'json', { value: function () { return JSON.parse(raw); } });
    return response;
  }
  Object.defineProperty(g, 'fetch', { value: fetch, writable: true, configurable: true });
})
`;
