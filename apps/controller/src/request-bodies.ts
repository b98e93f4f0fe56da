import type { FastifyInstance } from 'fastify';

/**
 * JSON request bodies as a new user sends them: `curl -X POST` with no body, an empty body with
 * `content-type: application/json`, and `{}` mean the same on routes whose body fields are all
 * optional (halt, abort). Keys such as `__proto__` are refused with a message that names them.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const strictJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    strictJson(request, text, (err, value) => {
      if (err && /prototype property/i.test(err.message)) {
        done(Object.assign(new Error('request body has a key named "__proto__" or "constructor.prototype"; rename or remove it (refused: it could pollute object prototypes)'), { statusCode: 400 }), undefined);
      } else if (err) done(err, undefined);
      else done(null, value);
    });
  });
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined) return;
    const schema = request.routeOptions.schema?.body as { type?: string; required?: readonly string[] } | undefined;
    if (schema?.type === 'object' && !(schema.required?.length)) request.body = {};
  });
}
