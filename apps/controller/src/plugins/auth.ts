import fp from 'fastify-plugin';
import { ForbiddenError, UnauthorizedError } from '@faultline/core';
import type { Store, TokenRecord, TokenScope } from '@faultline/store';
import { sessionAuthorization } from '../dashboard/session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: TokenRecord;
  }
  interface FastifyContextConfig {
    /** Scope a route needs: admin > run > read. Routes without one are public (health, docs). */
    scope?: TokenScope;
    /** Audit action name for mutating routes, e.g. `runs.create`. */
    audit?: string;
  }
}

const rank: Record<TokenScope, number> = { read: 1, run: 2, admin: 3 };

export function hasScope(token: TokenRecord, needed: TokenScope): boolean {
  return token.scopes.some((s) => rank[s] >= rank[needed]);
}

/**
 * Bearer tokens with scopes (or the dashboard's session cookie, see dashboard/session-cookie.ts). Tokens are stored hashed (packages/store); every mutation is audited
 * with who, what, when and from where — including refused ones.
 */
export const authPlugin = fp<{ store: Store; required: boolean }>(async (app, opts) => {
  app.addHook('onRequest', async (request) => {
    const scope = request.routeOptions.config?.scope;
    if (!scope) return;
    // The dashboard's session cookie counts as the bearer token (mutations also need its CSRF header).
    const header = request.headers.authorization ?? (opts.required ? sessionAuthorization(request) : undefined);
    if (!header) {
      if (!opts.required) return;
      throw new UnauthorizedError('this call needs a bearer token (Authorization: Bearer <token>)', { hint: 'create one with `faultline tokens create --name ci --scopes run`' });
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m ? await opts.store.verifyToken(m[1] as string) : undefined;
    if (!token) throw new UnauthorizedError('the bearer token is unknown, malformed or revoked');
    request.actor = token;
    if (!hasScope(token, scope)) {
      throw new ForbiddenError(`token "${token.name}" lacks the "${scope}" scope this call needs (it has: ${token.scopes.join(', ')})`);
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const action = request.routeOptions.config?.audit;
    if (!action) return;
    const params = request.params as Record<string, string> | undefined;
    await opts.store.appendAudit({
      action,
      ...(request.actor ? { actorTokenId: request.actor.tokenId, actorName: request.actor.name } : {}),
      ...(params && Object.values(params)[0] ? { target: Object.values(params)[0] } : {}),
      remoteAddress: request.ip,
      details: { method: request.method, url: request.url.split('?')[0] ?? '', status: reply.statusCode },
    }).catch((err) => request.log.error({ err }, 'could not write the audit log'));
  });
}, { name: 'auth' });
