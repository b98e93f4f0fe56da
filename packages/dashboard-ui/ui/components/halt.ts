import { useRef, useState } from 'preact/hooks';
import { api, can, type ApiError, type HaltState } from '../api.js';
import { when } from '../format.js';
import { html } from '../html.js';
import { useApp } from '../session.js';

/** The global kill switch: confirm with a reason, then every active run aborts and reverts. Admin scope. */
export function HaltButton() {
  const { halt, refreshHalt } = useApp();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (halt?.halted) return null;
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    try {
      const r = await api<HaltState & { abortedRuns?: string[] }>('POST', '/v1/halt', { reason: reason.trim() });
      dialog.current?.close();
      setReason('');
      setError(undefined);
      refreshHalt();
      void r;
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <button class="danger halt" onClick=${() => dialog.current?.showModal()}>Halt all</button>
    <dialog ref=${dialog} aria-labelledby="halt-title" class="confirm">
      <form onSubmit=${submit}>
        <h2 id="halt-title">Halt every run?</h2>
        <p>Every active run aborts and reverts its faults, and new runs are refused until the halt is lifted. This is recorded in the audit log.</p>
        <label for="halt-reason">Reason (required)</label>
        <textarea id="halt-reason" required maxlength="500" rows="3" value=${reason} onInput=${(e: Event) => setReason((e.target as HTMLTextAreaElement).value)}></textarea>
        ${error ? html`<p role="alert" class="error">${error}</p>` : null}
        <div class="actions">
          <button type="button" onClick=${() => dialog.current?.close()}>Cancel</button>
          <button type="submit" class="danger" disabled=${busy || reason.trim() === ''}>Halt all runs</button>
        </div>
      </form>
    </dialog>`;
}

export function HaltBanner() {
  const { halt, session, refreshHalt } = useApp();
  const [error, setError] = useState<string | undefined>();
  if (!halt?.halted) return null;
  const lift = async () => {
    if (!confirm('Lift the global halt? New runs will be accepted again.')) return;
    try {
      await api('DELETE', '/v1/halt');
      setError(undefined);
      refreshHalt();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  return html`
    <div class="halt-banner" role="status">
      <strong>Global halt in force.</strong>
      <span> Set by ${halt.by ?? 'an operator'}${halt.at ? ` at ${when(halt.at)}` : ''}: ${halt.reason ?? 'no reason given'}. New runs are refused.</span>
      ${can(session, 'admin') ? html`<button onClick=${lift}>Lift halt</button>` : null}
      ${error ? html`<span role="alert" class="error">${error}</span>` : null}
    </div>`;
}
