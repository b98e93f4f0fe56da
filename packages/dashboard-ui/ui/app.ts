import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, onUnauthorized, setCsrfToken, type HaltState, type Session } from './api.js';
import { browserNowMs, setServerTime } from './clock.js';
import { html } from './html.js';
import { navigate, useRoute } from './router.js';
import { Ctx, type AppContext } from './session.js';
import { Layout } from './components/layout.js';
import { LoginPage } from './pages/login.js';
import { RunsPage } from './pages/runs.js';
import { RunPage } from './pages/run.js';
import { ExperimentsPage } from './pages/experiments.js';
import { ExperimentPage } from './pages/experiment.js';
import { SchedulesPage } from './pages/schedules.js';
import { SchedulePage } from './pages/schedule.js';
import { AuditPage } from './pages/audit.js';
import { GameDaysPage } from './pages/gamedays.js';
import { GameDayPage } from './pages/gameday.js';
import { NotFoundPage } from './pages/not-found.js';

async function loadSession(): Promise<Session> {
  const s = await api<Session>('GET', '/v1/session');
  setServerTime(s.serverTime, browserNowMs());
  setCsrfToken(s.csrf ?? '');
  return s;
}

export function App() {
  const { route, query } = useRoute();
  const [session, setSession] = useState<Session | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [halt, setHalt] = useState<HaltState | undefined>();

  const refreshSession = useCallback(async () => {
    try {
      setSession(await loadSession());
      setError(undefined);
    } catch (err) {
      setError((err as ApiError).message);
    }
  }, []);
  useEffect(() => { void refreshSession(); }, [refreshSession]);
  useEffect(() => onUnauthorized(() => void refreshSession()), [refreshSession]);

  const signedIn = !!session && (session.authenticated || !session.authRequired);
  const refreshHalt = useCallback(() => {
    if (!signedIn) return;
    api<HaltState>('GET', '/v1/halt').then(setHalt, () => undefined);
  }, [signedIn]);
  useEffect(() => {
    refreshHalt();
    const t = setInterval(refreshHalt, 3000);
    return () => clearInterval(t);
  }, [refreshHalt]);

  // After signing in, leave the login page for where the user was going.
  useEffect(() => {
    if (signedIn && route.page === 'login') navigate(query.get('next') ?? '/ui/runs', { replace: true });
  }, [signedIn, route.page]);

  const ctx = useMemo<AppContext | undefined>(() => (session ? { session, halt, refreshHalt, refreshSession } : undefined), [session, halt, refreshHalt, refreshSession]);
  useEffect(() => {
    document.title = `${titles[route.page] ?? 'Faultline'} · Faultline`;
  }, [route.page]);

  if (error) return html`<main class="center"><h1>Faultline</h1><p role="alert" class="error">${error}</p><button onClick=${() => void refreshSession()}>Try again</button></main>`;
  if (!session || !ctx) return html`<main class="center" aria-busy="true"><p>Loading…</p></main>`;
  if (!signedIn) return html`<${LoginPage} onSignedIn=${refreshSession} />`;

  let page;
  switch (route.page) {
    case 'runs': page = html`<${RunsPage} query=${query} />`; break;
    case 'run': page = html`<${RunPage} runId=${route.runId} key=${route.runId} />`; break;
    case 'experiments': page = html`<${ExperimentsPage} />`; break;
    case 'experiment': page = html`<${ExperimentPage} name=${route.name} key=${route.name} />`; break;
    case 'schedules': page = html`<${SchedulesPage} />`; break;
    case 'schedule': page = html`<${SchedulePage} id=${route.id} key=${route.id} />`; break;
    case 'gamedays': page = html`<${GameDaysPage} />`; break;
    case 'gameday': page = html`<${GameDayPage} dayId=${route.dayId} key=${route.dayId} />`; break;
    case 'audit': page = html`<${AuditPage} />`; break;
    case 'login': page = html`<p>Signed in.</p>`; break;
    default: page = html`<${NotFoundPage} path=${route.page === 'not-found' ? route.path : ''} />`;
  }
  return html`<${Ctx.Provider} value=${ctx}><${Layout} page=${route.page}>${page}<//><//>`;
}

const titles: Record<string, string> = {
  runs: 'Runs', run: 'Run', experiments: 'Experiments', experiment: 'Experiment', schedules: 'Schedules', schedule: 'Schedule', gamedays: 'Game days', gameday: 'Game day', audit: 'Audit log', login: 'Sign in', 'not-found': 'Not found',
};
