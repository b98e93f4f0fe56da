import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '@faultline/core';

/** The dashboard's session cookie: HttpOnly (page scripts never see it), SameSite=Strict, path /. */
export const SESSION_COOKIE = 'faultline_session';
/** Header the dashboard sends on every mutation; must equal csrfTokenFor(session). */
export const CSRF_HEADER = 'x-csrf-token';
/** Sessions last 12 hours; the token's own revocation ends them at once. */
export const SESSION_MAX_AGE_S = 12 * 3600;

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      const v = part.slice(i + 1).trim();
      return /^[A-Za-z0-9._~+/=-]{1,512}$/.test(v) ? v : undefined;
    }
  }
  return undefined;
}

/**
 * CSRF token bound to the session (a keyed hash of it): the page reads it from GET /v1/session, which
 * another origin cannot read, and echoes it in a header; nothing to store on the server, so every
 * replica accepts it.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('faultline dashboard csrf v1').digest('base64url');
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The session cookie as an `Authorization` value for the auth plugin, or undefined without one. A
 * mutation authenticated by the cookie must carry the matching CSRF header, else 403: a cookie alone
 * never changes anything.
 */
export function sessionAuthorization(request: FastifyRequest): string | undefined {
  const secret = readCookie(request, SESSION_COOKIE);
  if (!secret) return undefined;
  if (!safeMethods.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameToken(sent, csrfTokenFor(secret))) {
      throw new ForbiddenError(`this ${request.method} came with the dashboard session cookie but without a valid ${CSRF_HEADER} header`, {
        hint: 'reload the dashboard; API clients should send `Authorization: Bearer <token>` instead of the cookie',
      });
    }
  }
  return `Bearer ${secret}`;
}

export function sessionCookie(secret: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
