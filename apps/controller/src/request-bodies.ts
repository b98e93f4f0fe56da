import type { FastifyInstance } from 'fastify';

/** A 400 whose message the error handler passes on as is. */
function badBody(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 400 });
}

/**
 * Parses a JSON body like Fastify's own parser (which refuses prototype-poisoning keys), but says
 * which key and how to fix it, and reads an empty body as no body.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let poisoned: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (key === '__proto__') poisoned ??= '"__proto__"';
      else if (key === 'constructor' && v !== null && typeof v === 'object' && Object.hasOwn(v, 'prototype')) poisoned ??= '"constructor" with a "prototype"';
      return v;
    });
  } catch (err) {
    throw badBody(`request body is not valid JSON (${(err as Error).message}); send a JSON object, or no body at all`);
  }
  if (poisoned !== undefined) throw badBody(`request body has a key ${poisoned}; rename or remove it (refused: such keys could pollute object prototypes)`);
  return value;
}

/**
 * JSON request bodies as a new user sends them: `curl -X POST` with no body, an empty body with
 * `content-type: application/json`, and `{}` mean the same on routes whose body fields are all
 * optional (halt, abort). Keys such as `__proto__` are refused with a message that names them.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(String(body)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined) return;
    const schema = request.routeOptions.schema?.body as { type?: string; required?: readonly string[] } | undefined;
    if (schema?.type === 'object' && !(schema.required?.length)) request.body = {};
  });
}
