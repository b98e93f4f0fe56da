import { html } from '../html.js';

export function NotFoundPage({ path }: { path: string }) {
  return html`
    <h1>Page not found</h1>
    <p>There is no dashboard page at <code>/ui${path}</code>.</p>
    <p><a href="/ui/runs">Go to the runs</a></p>`;
}
