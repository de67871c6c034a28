// JSON bodies: Fastify's own parser (prototype-poisoning protection included), but a parse
// failure says what is wrong and where instead of Fastify's generic sentence.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';

export function installJsonParser(server: FastifyInstance): void {
  const parse = server.getDefaultJsonParser('error', 'error');
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(
        new ApiError(400, 'BAD_REQUEST', 'request body is empty but Content-Type is application/json'),
        undefined,
      );
      return;
    }
    void parse(request, text, (err, value) => {
      if (!err) {
        done(null, value);
        return;
      }
      let why = err.message;
      try {
        JSON.parse(text);
      } catch (syntax) {
        why = (syntax as Error).message;
      }
      if (err.message.includes('prototype')) why = err.message;
      done(new ApiError(400, 'BAD_REQUEST', `request body is not valid JSON: ${why}`), undefined);
    });
  });
}
