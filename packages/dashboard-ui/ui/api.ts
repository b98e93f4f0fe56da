/** The one way the dashboard talks to the controller: same origin, session cookie, CSRF header on mutations. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code?: string, readonly hint?: string) {
    super(message);
  }
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called when the session expired or its token was revoked (a 401 from any call). */
export function onUnauthorized(l: Listener): () => void {
  unauthorizedListeners.add(l);
  return () => unauthorizedListeners.delete(l);
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (err) {
    throw new ApiError(0, `the controller did not answer (${(err as Error).message}); is \`faultline server\` still running?`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data ?? {}) as { message?: string; code?: string; hint?: string };
    if (res.status === 401 && path !== '/v1/session') for (const l of unauthorizedListeners) l();
    throw new ApiError(res.status, e.message ?? `${method} ${path} answered ${res.status}`, e.code, e.hint);
  }
  return data as T;
}

export interface Session {
  authRequired: boolean;
  authenticated: boolean;
  name?: string;
  scopes: Array<'read' | 'run' | 'admin'>;
  csrf?: string;
  serverTime: string;
}

const rank = { read: 1, run: 2, admin: 3 } as const;
export function can(session: Session, needed: 'read' | 'run' | 'admin'): boolean {
  return session.scopes.some((s) => rank[s] >= rank[needed]);
}

export interface RunView {
  runId: string;
  experiment: string;
  experimentVersion?: number;
  labels: Record<string, string>;
  state: string;
  phase: 'accepted' | 'running' | 'finished';
  outcome?: string;
  reason?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  endedAt?: string;
  source: string;
  scheduleId?: string;
}

export interface HaltState {
  halted: boolean;
  reason?: string;
  by?: string;
  at?: string;
}
