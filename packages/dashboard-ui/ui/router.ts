import { useEffect, useState } from 'preact/hooks';
import { DASHBOARD_PREFIX, matchDashboardRoute, type DashboardRoute } from '../src/routes.js';

const listeners = new Set<() => void>();

export function currentRoute(): DashboardRoute {
  const path = location.pathname.startsWith(DASHBOARD_PREFIX) ? location.pathname.slice(DASHBOARD_PREFIX.length) : location.pathname;
  return matchDashboardRoute(path);
}

export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

/** Re-renders on back/forward and on navigate(); returns the route and the query string. */
export function useRoute(): { route: DashboardRoute; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    window.addEventListener('popstate', l);
    return () => {
      listeners.delete(l);
      window.removeEventListener('popstate', l);
    };
  }, []);
  return { route: currentRoute(), query: new URLSearchParams(location.search) };
}

/** Same-origin links under the prefix navigate without a page load (modifier clicks open tabs as usual). */
export function interceptLinks(): void {
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = (ev.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(`${DASHBOARD_PREFIX}/`) || url.pathname.startsWith(`${DASHBOARD_PREFIX}/assets/`)) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
}
