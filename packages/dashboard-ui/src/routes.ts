/**
 * The dashboard's pages. Shared by the browser router and the controller, which answers 404 (with the
 * app shell, so the page can say so) for anything else under the prefix.
 */
export const DASHBOARD_PREFIX = '/ui';

export type DashboardRoute =
  | { readonly page: 'runs' }
  | { readonly page: 'run'; readonly runId: string }
  | { readonly page: 'experiments' }
  | { readonly page: 'experiment'; readonly name: string }
  | { readonly page: 'schedules' }
  | { readonly page: 'schedule'; readonly id: string }
  | { readonly page: 'gamedays' }
  | { readonly page: 'gameday'; readonly dayId: string }
  | { readonly page: 'audit' }
  | { readonly page: 'login' }
  | { readonly page: 'not-found'; readonly path: string };

const patterns: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => DashboardRoute]> = [
  [/^\/?$/, () => ({ page: 'runs' })],
  [/^\/runs\/?$/, () => ({ page: 'runs' })],
  [/^\/runs\/([A-Za-z0-9_-]{1,64})\/?$/, (m) => ({ page: 'run', runId: m[1] as string })],
  [/^\/experiments\/?$/, () => ({ page: 'experiments' })],
  [/^\/experiments\/([^/]{1,253})\/?$/, (m) => ({ page: 'experiment', name: decodeURIComponent(m[1] as string) })],
  [/^\/schedules\/?$/, () => ({ page: 'schedules' })],
  [/^\/schedules\/([^/]{1,253})\/?$/, (m) => ({ page: 'schedule', id: decodeURIComponent(m[1] as string) })],
  [/^\/gamedays\/?$/, () => ({ page: 'gamedays' })],
  [/^\/gamedays\/(d[0-9a-z]{12})\/?$/, (m) => ({ page: 'gameday', dayId: m[1] as string })],
  [/^\/audit\/?$/, () => ({ page: 'audit' })],
  [/^\/login\/?$/, () => ({ page: 'login' })],
];

/** Route for a path below the prefix (`/runs/r1`), or `not-found`. Never throws. */
export function matchDashboardRoute(subPath: string): DashboardRoute {
  for (const [re, make] of patterns) {
    const m = re.exec(subPath);
    if (m) {
      try {
        return make(m);
      } catch {
        break; // malformed percent-encoding
      }
    }
  }
  return { page: 'not-found', path: subPath };
}

export function dashboardHref(route: DashboardRoute): string {
  const p = DASHBOARD_PREFIX;
  switch (route.page) {
    case 'runs': return `${p}/runs`;
    case 'run': return `${p}/runs/${route.runId}`;
    case 'experiments': return `${p}/experiments`;
    case 'experiment': return `${p}/experiments/${encodeURIComponent(route.name)}`;
    case 'schedules': return `${p}/schedules`;
    case 'schedule': return `${p}/schedules/${encodeURIComponent(route.id)}`;
    case 'gamedays': return `${p}/gamedays`;
    case 'gameday': return `${p}/gamedays/${route.dayId}`;
    case 'audit': return `${p}/audit`;
    case 'login': return `${p}/login`;
    case 'not-found': return `${p}${route.path}`;
  }
}
