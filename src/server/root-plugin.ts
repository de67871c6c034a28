// A Fastify plugin whose hooks and decorators apply to the whole server rather than its own
// encapsulated scope (what the `fastify-plugin` package does, by the same documented symbols;
// not worth a dependency). Use it for cross-cutting concerns only: auth, audit, metrics, request ids.
import type { FastifyPluginAsync } from 'fastify';

export function rootPlugin<O extends Record<string, unknown>>(
  name: string,
  fn: FastifyPluginAsync<O>,
): FastifyPluginAsync<O> {
  const marked = fn as FastifyPluginAsync<O> & Record<symbol, unknown>;
  marked[Symbol.for('skip-override')] = true;
  marked[Symbol.for('fastify.display-name')] = name;
  return fn;
}
