import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { UnauthorizedError, type Clock } from '@faultline/core';
import { tokenScopes, type Store } from '@faultline/store';
import { SESSION_COOKIE, clearedSessionCookie, csrfTokenFor, readCookie, sessionCookie } from './session-cookie.js';

const SessionSchema = Type.Object({
  authRequired: Type.Boolean({ description: 'false when the controller runs with --no-auth (loopback only)' }),
  authenticated: Type.Boolean(),
  name: Type.Optional(Type.String()),
  scopes: Type.Array(Type.String()),
  csrf: Type.Optional(Type.String({ description: 'Send as the x-csrf-token header on every mutation made with the session cookie' })),
  serverTime: Type.String({ description: "The controller's clock, so the dashboard can show ages in server time" }),
});

/**
 * `/v1/session`: the dashboard pastes a token once (POST) and gets an HttpOnly, SameSite=Strict cookie;
 * GET says who is signed in (and hands out the CSRF token); DELETE signs out. Bearer tokens keep working
 * for every other client.
 */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ store: Store; authRequired: boolean; clock: Clock }> = async (app, { store, authRequired, clock }) => {
  const secure = (proto: string) => proto === 'https';

  app.get('/v1/session', { schema: { summary: 'Who the dashboard session belongs to (public; answers for no session too)', response: { 200: SessionSchema } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const serverTime = clock.now().toISOString();
    // Without auth (loopback laptop mode) every call is allowed, so the page shows every control.
    if (!authRequired) return { authRequired, authenticated: false, scopes: [...tokenScopes], serverTime };
    const secret = readCookie(request, SESSION_COOKIE);
    const token = secret ? await store.verifyToken(secret) : undefined;
    if (token) return { authRequired, authenticated: true, name: token.name, scopes: [...token.scopes], csrf: csrfTokenFor(secret as string), serverTime };
    if (secret) reply.header('set-cookie', clearedSessionCookie(secure(request.protocol)));
    return { authRequired, authenticated: false, scopes: [], serverTime };
  });

  app.post('/v1/session', {
    config: { audit: 'session.create' },
    schema: {
      summary: 'Exchange an API token for a dashboard session cookie',
      body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
      response: { 200: SessionSchema },
    },
  }, async (request, reply) => {
    const secret = request.body.token.trim();
    const token = /^[A-Za-z0-9._~+/=-]{1,512}$/.test(secret) ? await store.verifyToken(secret) : undefined;
    if (!token) throw new UnauthorizedError('that token is unknown, malformed or revoked', { hint: 'paste the secret printed by `faultline tokens create` (it is shown once)' });
    request.actor = token;
    reply.header('set-cookie', sessionCookie(secret, secure(request.protocol))).header('cache-control', 'no-store');
    return { authRequired, authenticated: true, name: token.name, scopes: [...token.scopes], csrf: csrfTokenFor(secret), serverTime: clock.now().toISOString() };
  });

  app.delete('/v1/session', { schema: { summary: 'Sign the dashboard out (clears the cookie)' } }, async (request, reply) => {
    return reply.header('set-cookie', clearedSessionCookie(secure(request.protocol))).status(204).send();
  });
};
