import { render } from 'preact';
import { html } from './html.js';
import { App } from './app.js';
import { interceptLinks } from './router.js';

interceptLinks();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
