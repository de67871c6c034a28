// Typed JSON for repeated operations. Fastify would serialize every GraphQL answer through
// Mercurius's route schema, whose `data` is "any object": fast-json-stringify's generic path, which
// cost 11-16 µs of a 25-task list answer in a profile of `ratchet serve` against 3-4 µs for REST's
// typed schema of the same rows. graphql-jit derives, from one operation's selection set, a JSON
// Schema of exactly what it returns and compiles a serializer from it; answers without errors go
// through that one. Anything else (errors, other status codes) keeps the route's own serializer.
import type { FastifyReply } from 'fastify';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';

type Serialize = (payload: unknown) => string;

interface Answer {
  data?: unknown;
  errors?: unknown;
  extensions?: unknown;
}

/** A document seen once is only remembered: compiling for a one-off query costs more than it saves. */
const SEEN_ONCE = 'seen-once';

/**
 * The typed serializer of `document`, compiled the second time it runs. None for a document with
 * several operations (the hook does not see which one runs) or one graphql-jit cannot describe
 * (the JSON scalar has no fixed shape).
 */
function compile(schema: GraphQLSchema, document: DocumentNode): Serialize | null {
  const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition').length;
  if (operations !== 1) return null;
  try {
    const compiled = compileQuery(schema, document, undefined, { customJSONSerializer: true });
    return isCompiledQuery(compiled) ? compiled.stringify : null;
  } catch {
    return null;
  }
}

export class ResponseSerializers {
  // Keyed by the parsed document: Mercurius hands a repeated query text the same one (its query
  // cache), and an entry goes when the cache lets the document go.
  private readonly byDocument = new WeakMap<DocumentNode, Serialize | null | typeof SEEN_ONCE>();
  /** Mercurius's serializer for 2xx answers (the same schema on its GET and POST routes). */
  private route2xx: Serialize | undefined;

  /** Makes `reply` serialize this operation's error-free answer with its typed serializer. */
  use(reply: FastifyReply, schema: GraphQLSchema, document: DocumentNode): void {
    const known = this.byDocument.get(document);
    if (known === undefined) {
      this.byDocument.set(document, SEEN_ONCE);
      return;
    }
    const typed = known === SEEN_ONCE ? compile(schema, document) : known;
    if (known === SEEN_ONCE) this.byDocument.set(document, typed);
    if (typed === null) return;
    const route2xx = (this.route2xx ??= reply.getSerializationFunction('2xx') as Serialize | undefined);
    reply.serializer((payload: unknown) => {
      const a = payload as Answer;
      if (reply.statusCode === 200 && a.errors === undefined && a.extensions === undefined) return typed(a);
      // What Fastify does without us: the route's schema for 2xx, plain JSON for the rest.
      return reply.statusCode < 300 && route2xx ? route2xx(a) : JSON.stringify(a);
    });
  }
}
