import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createRegistry } from '@faultline/core';
import { openStore, type Store } from '@faultline/store';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { buildApp } from '../app.js';
import { ControllerMetrics } from '../metrics.js';
import { RunHost } from '../run-host.js';
import { csrfTokenFor } from './session-cookie.js';

// A stand-in bundle: these tests are about serving and auth, not about the UI (the browser tests are).
const assetsDir = mkdtempSync(path.join(tmpdir(), 'faultline-dashboard-assets-'));
beforeAll(() => {
  writeFileSync(path.join(assetsDir, 'index.html'), '<!doctype html><title>shell</title><script type="module" src="/ui/assets/app.js"></script>');
  writeFileSync(path.join(assetsDir, 'app.js'), 'console.log("dashboard");'.repeat(50));
  writeFileSync(path.join(assetsDir, 'app.css'), 'body{}');
});
afterAll(() => rmSync(assetsDir, { recursive: true, force: true }));

let app: FastifyInstance;
let store: Store;
let runHost: RunHost;
let admin: string;
let reader: string;

async function setup(authRequired: boolean, dir = assetsDir) {
  store = await openStore(':memory:');
  const backend = new FakeBackend();
  backend.addTargets(1);
  const registry = createRegistry([fakePlugin(backend)]);
  const metrics = new ControllerMetrics();
  runHost = new RunHost({ store, registry, metrics });
  app = await buildApp({ store, registry, runHost, metrics, rateLimitPerMinute: false, authRequired, dashboardAssetsDir: dir });
  admin = (await store.createToken({ name: 'alice', scopes: ['admin'] })).secret;
  reader = (await store.createToken({ name: 'viewer', scopes: ['read'] })).secret;
}
afterEach(async () => {
  await runHost.close();
  await app.close();
  await store.close();
});

/** Signs in like the dashboard does and returns the cookie header and the CSRF token. */
async function signIn(token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await app.inject({ method: 'POST', url: '/v1/session', payload: { token } });
  expect(res.statusCode).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0] as string, csrf: res.json().csrf, setCookie };
}

describe('dashboard session', () => {
  beforeEach(() => setup(true));

  it('exchanges a token for an HttpOnly SameSite=Strict cookie and says who is signed in', async () => {
    const { cookie, csrf, setCookie } = await signIn(admin);
    expect(setCookie).toMatch(/^faultline_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const me = await app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    expect(me.json()).toMatchObject({ authRequired: true, authenticated: true, name: 'alice', scopes: ['admin'], csrf });
    expect(me.headers['cache-control']).toBe('no-store');
    const anon = await app.inject({ method: 'GET', url: '/v1/session' });
    expect(anon.json()).toMatchObject({ authenticated: false, scopes: [] });
    expect(anon.json().csrf).toBeUndefined();
  });

  it('refuses an unknown token and audits the sign-in', async () => {
    const bad = await app.inject({ method: 'POST', url: '/v1/session', payload: { token: 'nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
    await signIn(reader);
    const audit = await store.listAudit({ limit: 10 });
    expect(audit.filter((a) => a.action === 'session.create').map((a) => [a.actorName ?? '-', a.details['status']])).toEqual([['viewer', 200], ['-', 401]]);
  });

  it('reads with the cookie alone; mutations need the CSRF header as well', async () => {
    const { cookie, csrf } = await signIn(admin);
    expect((await app.inject({ method: 'GET', url: '/v1/halt', headers: { cookie } })).statusCode).toBe(200);
    const noCsrf = await app.inject({ method: 'POST', url: '/v1/halt', headers: { cookie }, payload: { reason: 'x' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().message).toContain('x-csrf-token');
    const wrong = await app.inject({ method: 'POST', url: '/v1/halt', headers: { cookie, 'x-csrf-token': csrfTokenFor(reader) }, payload: { reason: 'x' } });
    expect(wrong.statusCode).toBe(403);
    expect((await store.getHalt()).halted).toBe(false);
    const ok = await app.inject({ method: 'POST', url: '/v1/halt', headers: { cookie, 'x-csrf-token': csrf }, payload: { reason: 'game day over' } });
    expect(ok.statusCode).toBe(200);
    expect(await store.getHalt()).toMatchObject({ halted: true, by: 'alice', reason: 'game day over' });
  });

  it('keeps the token scopes: a read session cannot halt, and bearer tokens still work', async () => {
    const { cookie, csrf } = await signIn(reader);
    const res = await app.inject({ method: 'POST', url: '/v1/halt', headers: { cookie, 'x-csrf-token': csrf }, payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('lacks the "admin" scope');
    expect((await app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization: `Bearer ${reader}` } })).statusCode).toBe(200);
  });

  it('ends the session when its token is revoked, and on sign-out', async () => {
    const { cookie } = await signIn(reader);
    const [viewer] = (await store.listTokens()).filter((t) => t.name === 'viewer');
    await store.revokeToken(viewer!.tokenId);
    expect((await app.inject({ method: 'GET', url: '/v1/runs', headers: { cookie } })).statusCode).toBe(401);
    const me = await app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    expect(me.json().authenticated).toBe(false);
    expect(String(me.headers['set-cookie'])).toContain('Max-Age=0');
    const out = await app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^faultline_session=; .*Max-Age=0/);
  });

  it('refuses cross-site browser mutations even with a valid bearer token', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/halt', headers: { authorization: `Bearer ${admin}`, origin: 'https://evil.example', host: '127.0.0.1:8080' }, payload: {} });
    expect(res.statusCode).toBe(403);
    const site = await app.inject({ method: 'POST', url: '/v1/halt', headers: { authorization: `Bearer ${admin}`, 'sec-fetch-site': 'cross-site' }, payload: {} });
    expect(site.statusCode).toBe(403);
    expect((await store.getHalt()).halted).toBe(false);
    const same = await app.inject({ method: 'POST', url: '/v1/halt', headers: { authorization: `Bearer ${admin}`, origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }, payload: {} });
    expect(same.statusCode).toBe(200);
  });

  it('never lets a cookie header smuggle anything but a token-shaped value (fuzzed)', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 80 }), async (junk) => {
      const res = await app.inject({ method: 'GET', url: '/v1/runs', headers: { cookie: `faultline_session=${junk}` } });
      expect(res.statusCode).toBe(401);
    }), { numRuns: 60, seed: 19 });
  });
});

describe('dashboard pages and assets', () => {
  beforeEach(() => setup(true));

  it('serves the shell with a strict CSP, 404 for paths that are no page, and redirects /', async () => {
    const page = await app.inject({ method: 'GET', url: '/ui/runs?state=holding' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await app.inject({ method: 'GET', url: '/ui/runs/r123' })).statusCode).toBe(200);
    const missing = await app.inject({ method: 'GET', url: '/ui/nope/deeper' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<title>shell</title>');
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/ui/runs');
  });

  it('serves assets gzipped with an ETag and answers 304 for a fresh copy', async () => {
    const js = await app.inject({ method: 'GET', url: '/ui/assets/app.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(Number(js.headers['content-length'])).toBeLessThan(200);
    const again = await app.inject({ method: 'GET', url: '/ui/assets/app.js', headers: { 'if-none-match': String(js.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(js.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    // The shell links the versioned URL, which browsers may keep for good.
    const shell = (await app.inject({ method: 'GET', url: '/ui/runs' })).body;
    const src = /src="(\/ui\/assets\/app\.js\?v=[\w-]{12})"/.exec(shell)?.[1];
    expect(src).toBeDefined();
    expect((await app.inject({ method: 'GET', url: src! })).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject({ method: 'GET', url: '/ui/assets/app.js?v=stale' })).headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    expect((await app.inject({ method: 'GET', url: '/ui/assets/..%2Fsecret' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/ui/assets/index.html' })).statusCode).toBe(404);
  });
});

describe('dashboard without auth and without a build', () => {
  it('--no-auth: the session reports every scope and mutations need no cookie', async () => {
    await setup(false);
    const me = await app.inject({ method: 'GET', url: '/v1/session' });
    expect(me.json()).toMatchObject({ authRequired: false, scopes: ['read', 'run', 'admin'] });
    expect((await app.inject({ method: 'POST', url: '/v1/halt', headers: { 'sec-fetch-site': 'same-origin' }, payload: { reason: 'laptop' } })).statusCode).toBe(200);
  });

  it('answers 503 with the build command when the assets are missing, and the API still works', async () => {
    await setup(true, path.join(assetsDir, 'nothing-here'));
    const res = await app.inject({ method: 'GET', url: '/ui/runs' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('editor helpers', () => {
  beforeEach(() => setup(true));
  const good = `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: e1 }
spec:
  duration: 1s
  targets:
    things: { fake: {} }
  faults:
    - { name: break, type: fake.break, target: things }
`;

  it('validate answers 200 with the issues and their lines', async () => {
    const ok = await app.inject({ method: 'POST', url: '/v1/dashboard/validate', headers: { authorization: `Bearer ${reader}` }, payload: { definition: good } });
    expect(ok.json()).toEqual({ ok: true, name: 'e1', issues: [] });
    const bad = await app.inject({ method: 'POST', url: '/v1/dashboard/validate', headers: { authorization: `Bearer ${reader}` }, payload: { definition: good.replace('fake.break', 'fake.brake') } });
    expect(bad.statusCode).toBe(200);
    const body = bad.json();
    expect(body.ok).toBe(false);
    expect(body.issues[0]).toMatchObject({ path: expect.stringContaining('faults[0]'), line: 9 });
  });

  it('plan resolves targets without side effects and needs the run scope', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/dashboard/plan', headers: { authorization: `Bearer ${reader}` }, payload: { definition: good } })).statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url: '/v1/dashboard/plan', headers: { authorization: `Bearer ${admin}` }, payload: { definition: good } });
    expect(res.statusCode).toBe(200);
    expect(res.json().plan.targets[0]).toMatchObject({ name: 'things', candidates: 1 });
  });
});
