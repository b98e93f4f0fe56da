import fp from 'fastify-plugin';
import { errorCatalog, FaultlineError, SpecInvalidError } from '@faultline/core';
import { IdempotencyConflictError } from '@faultline/store';

/** Error body every route answers with: a code from docs/errors.md, what to fix, optional details. */
export interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
  issues?: unknown[];
  runId?: string;
}

/**
 * One place maps errors to HTTP: FaultlineError codes through core's errorCatalog; request-schema
 * failures to 400; everything unexpected to a 500 that never echoes internals (the log has them).
 */
export const errorHandlerPlugin = fp(async (app) => {
  app.setErrorHandler((err, request, reply) => {
    const send = (status: number, body: ErrorBody) => reply.status(status).send(body);
    if (err instanceof IdempotencyConflictError) {
      return send(422, { code: err.code, message: err.message, runId: err.runId, ...(err.hint ? { hint: err.hint } : {}) });
    }
    if (err instanceof FaultlineError) {
      const status = errorCatalog[err.code].http;
      if (err.code === 'FL_INTERNAL' || err.code === 'FL_STORE_UNAVAILABLE') {
        // Database and internal messages can carry SQL, paths or hosts: logged, never echoed.
        request.log.error({ err }, 'internal error');
        const message = err.code === 'FL_STORE_UNAVAILABLE'
          ? `the controller's database is unavailable (request ${request.id}); retry shortly — operators: see the controller log`
          : `internal error (request ${request.id}); the controller log has the details`;
        return send(status, { code: err.code, message });
      }
      return send(status, {
        code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}),
        ...(err instanceof SpecInvalidError ? { issues: [...err.issues] } : {}),
      });
    }
    const e = err as { validation?: unknown[]; statusCode?: number; message: string; code?: string };
    if (e.validation) {
      return send(400, { code: 'FL_USAGE', message: `invalid request: ${e.message}`, issues: e.validation, hint: 'see the OpenAPI description at /docs' });
    }
    if (e.statusCode === 429) return send(429, { code: 'FL_USAGE', message: e.message || 'rate limit exceeded; slow down and retry later' });
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return send(e.statusCode, { code: 'FL_USAGE', message: e.message });
    }
    request.log.error({ err }, 'unexpected error');
    return send(500, { code: 'FL_INTERNAL', message: `internal error (request ${request.id}); the controller log has the details` });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'FL_NOT_FOUND', message: `no route ${request.method} ${request.url}; see /docs for the API` });
  });
}, { name: 'error-handler' });
