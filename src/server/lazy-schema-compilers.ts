// Route schemas compiled on a route's first use instead of at server start. Fastify compiles every
// route's validators (ajv) and response serializers (fast-json-stringify) while it registers the
// routes: ~420 ms of a ~1.7 s `ratchet serve` start, measured with --cpu-prof, most of it for
// routes a given server never serves. Here Fastify's own compilers still build each function, from
// the same schemas and options, only later: the first request to a route pays its few
// milliseconds. A schema that cannot compile fails that request with a 500 instead of the start;
// `compileEveryRouteSchema` lets a test compile them all at once so such a schema is still caught.
//
// Supplying compilersFactory marks the compilers "custom" for Fastify, which then leaves header
// schemas' property names as written instead of lower-casing them; no route here has one.
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

type Compile = (route: { schema: unknown; method: string; url: string; httpPart?: string }) => Fn;
type Fn = ((...args: unknown[]) => unknown) & Record<string, unknown>;
type Builder = (externalSchemas: unknown, options: unknown) => Compile;
type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;

// Fastify's own default compilers (its dependencies, resolved from fastify itself so the versions
// are the ones it was released with).
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const buildAjvValidator = (requireFromFastify('@fastify/ajv-compiler') as () => Builder)();
const buildJsonSerializer = (requireFromFastify('@fastify/fast-json-stringify-compiler') as () => Builder)();

/** Compiles what a server's lazy compilers still hold; by server, for tests. */
const compileAllByServer = new WeakMap<FastifyInstance, () => number>();

/**
 * A function that stands for `compile(route)` and compiles on its first call or property read.
 * Fastify reads properties of a validator (`schemaEnv` before calling it, `errors` after), so
 * those are forwarded to the compiled function too.
 */
function deferred(compile: Compile, route: Parameters<Compile>[0], pending: Set<() => unknown>): Fn {
  let compiled: Fn | undefined;
  const get = (): Fn => {
    if (compiled === undefined) {
      compiled = compile(route);
      pending.delete(get);
    }
    return compiled;
  };
  pending.add(get);
  // Two parameters, the most either kind takes (a validator: data and Ajv's data context; a
  // serializer: data): no rest array per request on the hot path.
  const stand = function (this: unknown, data: unknown, context: unknown) {
    return (compiled ?? get()).call(this, data, context);
  } as Fn;
  for (const key of ['schemaEnv', 'errors'])
    Object.defineProperty(stand, key, { get: () => get()[key], configurable: true });
  return stand;
}

function deferring(build: Builder, pending: Set<() => unknown>): Builder {
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => deferred(compile, route, pending);
  };
}

export interface LazyCompilers {
  /** For Fastify's `schemaController.compilersFactory`. */
  compilersFactory: CompilersFactory;
  /** Compiles every deferred schema now; returns how many. */
  compileAll: () => number;
}

/** Fastify's default compilers, made lazy. */
export function lazySchemaCompilers(): LazyCompilers {
  const pending = new Set<() => unknown>();
  const factory = {
    buildValidator: deferring(buildAjvValidator, pending),
    buildSerializer: deferring(buildJsonSerializer, pending),
  };
  return {
    compilersFactory: factory as unknown as CompilersFactory,
    compileAll: () => {
      const all = [...pending];
      for (const get of all) get();
      return all.length;
    },
  };
}

/** Records the lazy compilers a server was built with, for `compileEveryRouteSchema`. */
export function rememberCompilers(server: FastifyInstance, compilers: LazyCompilers): void {
  compileAllByServer.set(server, compilers.compileAll);
}

/** Compiles every route schema of `server` not compiled yet (throws the first error); returns how many. */
export function compileEveryRouteSchema(server: FastifyInstance): number {
  const compileAll = compileAllByServer.get(server);
  if (compileAll === undefined) throw new Error('this server was not built with lazySchemaCompilers()');
  return compileAll();
}
