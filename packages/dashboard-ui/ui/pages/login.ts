import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api.js';
import { html } from '../html.js';

/** Paste a token once; the controller answers with an HttpOnly, SameSite=Strict session cookie. */
export function LoginPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    try {
      await api('POST', '/v1/session', { token: token.trim() });
      setToken('');
      await onSignedIn();
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <main class="login" id="main">
      <h1><img src="/ui/assets/favicon.svg" alt="" width="28" height="28" /> Faultline</h1>
      <form onSubmit=${submit} aria-describedby="login-help">
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required value=${token} onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />
        <p id="login-help" class="muted">Create one with <code>faultline tokens create --name me --scopes read</code> (or <code>run</code>, <code>admin</code>). The token is exchanged for a session cookie; the page never stores it.</p>
        ${error ? html`<p role="alert" class="error">${error}</p>` : null}
        <button type="submit" class="primary" disabled=${busy || token.trim() === ''}>Sign in</button>
      </form>
    </main>`;
}
