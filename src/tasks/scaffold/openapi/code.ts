// main.js of a task generated from an OpenAPI operation, and the same request and error rules in
// TypeScript, so the generated test cases mock exactly the URL the task will ask for.
// Guest code avoids template literals so these strings need no escaping; every name from the
// document enters the code through JSON.stringify.
import { header, type TemplateVars } from '../types.ts';
import { BASE_URL_KEY, type OperationModel, type ParameterModel } from './operation.ts';
import type { Json } from './document.ts';

const q = (value: string): string => JSON.stringify(value);
const field = (key: string): string => `input[${q(key)}]`;

/** `form` with explode (the OpenAPI default) repeats the name per item; explode: false joins with commas. */
function explodes(p: ParameterModel): boolean {
  return p.spec.explode !== false;
}

export function renderMainJs(model: OperationModel, vars: TemplateVars): string {
  const what = `Calls ${model.method} ${model.path} (operationId ${model.operationId}); generated from an OpenAPI document by ratchet generate task from-openapi.`;
  const lines: string[] = [];
  const add = (line: string): void => void lines.push(line);
  add('(function (input, context) {');
  add(
    `  var baseUrl = String(${field(BASE_URL_KEY)}${model.baseUrl !== undefined ? ` || ${q(model.baseUrl)}` : ''}).replace(/\\/+$/, '');`,
  );
  add(`  var url = baseUrl + ${pathExpression(model)};`);
  const query = model.parameters.filter((p) => p.in === 'query');
  if (query.length > 0) {
    add('  var query = [];');
    for (const p of query) add(`  addQuery(query, ${q(p.name)}, ${field(p.key)}, ${explodes(p)});`);
    add("  if (query.length > 0) url += '?' + query.join('&');");
  }
  add("  var headers = { Accept: 'application/json' };");
  for (const p of model.parameters.filter((x) => x.in === 'header')) {
    add(`  if (${field(p.key)} !== undefined) headers[${q(p.name)}] = headerValue(${field(p.key)});`);
  }
  let bodyArg = '';
  if (model.body) {
    add('  var body;');
    add(`  if (${field(model.body.key)} !== undefined) {`);
    add(`    body = JSON.stringify(${field(model.body.key)});`);
    add(`    headers['Content-Type'] = ${q(model.body.json.mediaType)};`);
    add('  }');
    bodyArg = ', body';
  }
  add('');
  add(`  var where = ${q(`${model.method} `)} + url;`);
  add(`  console.info(where);`);
  add(`  var response = fetch(url, { method: ${q(model.method)}, headers: headers }${bodyArg});`);
  add('');
  add('  // fetch returns every HTTP status; the documented error statuses become Ratchet error classes.');
  add("  var failed = where + ' answered ' + response.status + detail(response.body);");
  add('  if (response.status === 401) throw new AuthenticationError(failed);');
  add('  if (response.status === 403) throw new AuthorizationError(failed);');
  add('  if (response.status === 429) throw new RateLimitError(failed);');
  add('  if (response.status >= 502 && response.status <= 504) throw new ServiceUnavailableError(failed);');
  add('  if (!response.ok) throw new HttpError(response.status, failed);');
  add('');
  if (model.success?.json) {
    add('  if (!isJson(response.headers)) {');
    add("    throw new DataError(where + ' answered ' + response.status + ' without a JSON body');");
    add('  }');
    add('  return response.body;');
  } else if (model.success && model.success.otherContent.length === 0) {
    add('  // The operation documents no response body.');
    add('  return null;');
  } else {
    add('  // Not JSON: the body comes back as text.');
    add('  return response.body;');
  }
  add('');
  add(HELPERS);
  add('})');
  return `${header(vars, what)}${lines.join('\n')}\n`;
}

const HELPERS = `  function addQuery(query, name, value, explode) {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      if (!explode) return addQuery(query, name, value.map(String).join(','), true);
      for (var i = 0; i < value.length; i++) addQuery(query, name, value[i], true);
      return;
    }
    if (typeof value === 'object') {
      var keys = Object.keys(value);
      for (var k = 0; k < keys.length; k++) addQuery(query, keys[k], value[keys[k]], explode);
      return;
    }
    query.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(value)));
  }

  function headerValue(value) {
    return Array.isArray(value) ? value.map(String).join(',') : String(value);
  }

  function isJson(headers) {
    var names = Object.keys(headers || {});
    for (var i = 0; i < names.length; i++) {
      if (names[i].toLowerCase() === 'content-type') return /json/i.test(String(headers[names[i]]));
    }
    return false;
  }

  // A JSON error body's own words, when it has them.
  function detail(body) {
    if (body === null || typeof body !== 'object') return '';
    var said = body.message || body.error || body.detail || body.title;
    return typeof said === 'string' ? ': ' + said : '';
  }`;

/** The path as a JS expression: literal pieces and encoded path parameters. */
function pathExpression(model: OperationModel): string {
  const byName = new Map(model.parameters.filter((p) => p.in === 'path').map((p) => [p.name, p]));
  const parts: string[] = [];
  let rest = model.path;
  for (const m of model.path.matchAll(/\{([^}]+)\}/g)) {
    const p = byName.get(m[1]!);
    if (!p) continue;
    const [before, ...after] = rest.split(m[0]);
    parts.push(q(before!), `encodeURIComponent(String(${field(p.key)}))`);
    rest = after.join(m[0]);
  }
  parts.push(q(rest));
  return parts.filter((x) => x !== '""').join(' + ') || '""';
}

// ----- the same rules in TypeScript, for the generated test cases -----

function addQuery(query: string[], name: string, value: Json | undefined, explode: boolean): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    if (!explode) return addQuery(query, name, value.map(String).join(','), true);
    for (const item of value) addQuery(query, name, item, true);
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) addQuery(query, k, v, explode);
    return;
  }
  query.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
}

/** The URL main.js requests for this input (input already complete, baseUrl included or defaulted). */
export function requestUrl(model: OperationModel, input: Record<string, Json>, baseUrl: string): string {
  let path = model.path;
  for (const p of model.parameters.filter((x) => x.in === 'path')) {
    path = path.split(`{${p.name}}`).join(encodeURIComponent(String(input[p.key])));
  }
  let url = baseUrl.replace(/\/+$/, '') + path;
  const query: string[] = [];
  for (const p of model.parameters.filter((x) => x.in === 'query')) {
    addQuery(query, p.name, input[p.key], explodes(p));
  }
  if (query.length > 0) url += `?${query.join('&')}`;
  return url;
}

/** The error class main.js throws for a non-2xx status. */
export function errorTypeFor(status: number): string {
  if (status === 401) return 'AuthenticationError';
  if (status === 403) return 'AuthorizationError';
  if (status === 429) return 'RateLimitError';
  if (status >= 502 && status <= 504) return 'ServiceUnavailableError';
  return 'HttpError';
}
