import type { ComponentChildren } from 'preact';
import { api, can } from '../api.js';
import { html } from '../html.js';
import { useApp } from '../session.js';
import { HaltBanner, HaltButton } from './halt.js';

const nav = [
  { page: 'runs', href: '/ui/runs', label: 'Runs', match: ['runs', 'run'] },
  { page: 'experiments', href: '/ui/experiments', label: 'Experiments', match: ['experiments', 'experiment'] },
  { page: 'schedules', href: '/ui/schedules', label: 'Schedules', match: ['schedules', 'schedule'] },
  { page: 'gamedays', href: '/ui/gamedays', label: 'Game days', match: ['gamedays', 'gameday'] },
  { page: 'audit', href: '/ui/audit', label: 'Audit log', match: ['audit'], admin: true },
];

export function Layout({ page, children }: { page: string; children: ComponentChildren }) {
  const { session } = useApp();
  const signOut = async () => {
    await api('DELETE', '/v1/session').catch(() => undefined);
    location.assign('/ui/login');
  };
  return html`
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="top">
      <a class="brand" href="/ui/runs" aria-label="Faultline home"><img src="/ui/assets/favicon.svg" alt="" width="22" height="22" /> Faultline</a>
      <nav aria-label="Main">
        <ul>
          ${nav.filter((n) => !n.admin || can(session, 'admin')).map((n) => html`
            <li><a href=${n.href} aria-current=${n.match.includes(page) ? 'page' : undefined}>${n.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        ${can(session, 'admin') ? html`<${HaltButton} />` : null}
        <span class="identity" title=${`scopes: ${session.scopes.join(', ')}`}>
          ${session.authRequired ? html`${session.name} <span class="muted">(${session.scopes.join(', ')})</span>` : html`<span class="muted">no auth (loopback)</span>`}
        </span>
        ${session.authRequired ? html`<button class="link" onClick=${signOut}>Sign out</button>` : null}
      </div>
    </header>
    <${HaltBanner} />
    <main id="main" tabindex="-1">${children}</main>
    <footer class="foot"><a href="/docs">REST API (OpenAPI)</a></footer>`;
}
