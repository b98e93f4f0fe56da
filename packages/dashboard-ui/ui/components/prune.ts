import { useRef, useState } from 'preact/hooks';
import { api, can, type ApiError } from '../api.js';
import { html } from '../html.js';
import { useApp } from '../session.js';

interface PruneAnswer { count: number; runIds: string[]; dryRun: boolean; endedBefore?: string }

/**
 * History retention from the runs page (admin scope): choose an age and how many runs to keep, see how
 * many finished runs that deletes (a dry run), then confirm. Active and revert-pending runs never go.
 */
export function PruneButton({ onPruned }: { onPruned: () => void }) {
  const { session } = useApp();
  const dialog = useRef<HTMLDialogElement>(null);
  const [days, setDays] = useState('90');
  const [keep, setKeep] = useState('');
  const [preview, setPreview] = useState<{ criteria: string; answer: PruneAnswer } | undefined>();
  const [done, setDone] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (!can(session, 'admin')) return null;

  const criteria = () => {
    const body: { olderThan?: string; keep?: number } = {};
    if (days.trim() !== '') body.olderThan = `${Number(days)}d`;
    if (keep.trim() !== '') body.keep = Number(keep);
    return body;
  };
  const key = JSON.stringify(criteria());
  const valid = (days.trim() !== '' || keep.trim() !== '') && [days, keep].every((v) => v.trim() === '' || /^\d{1,7}$/.test(v.trim()));
  const call = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<PruneAnswer>('POST', '/v1/runs:prune', { ...criteria(), dryRun });
      if (dryRun) setPreview({ criteria: key, answer });
      else {
        setDone(answer.count);
        setPreview(undefined);
        onPruned();
      }
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  const open = () => {
    setPreview(undefined);
    setDone(undefined);
    setError(undefined);
    dialog.current?.showModal();
  };
  const counted = preview && preview.criteria === key ? preview.answer : undefined;
  // Any edit asks for a fresh count: the confirmation always shows what this exact request deletes.
  const edit = (set: (v: string) => void) => (e: Event) => { set((e.target as HTMLInputElement).value); setDone(undefined); setPreview(undefined); };
  return html`
    <button onClick=${open}>Prune history…</button>
    <dialog ref=${dialog} aria-labelledby="prune-title" class="confirm">
      <form onSubmit=${(e: Event) => { e.preventDefault(); void call(!counted); }}>
        <h2 id="prune-title">Delete old runs?</h2>
        <p>Deletes finished runs and their journals and reports. Active runs and runs waiting for a revert are never deleted. This is recorded in the audit log and cannot be undone.</p>
        <label for="prune-days">Ended more than this many days ago (empty: any age)</label>
        <input id="prune-days" inputmode="numeric" value=${days} onInput=${edit(setDays)} />
        <label for="prune-keep">Always keep the newest finished runs (empty: no minimum)</label>
        <input id="prune-keep" inputmode="numeric" value=${keep} onInput=${edit(setKeep)} />
        <p id="prune-count" role="status">${!valid ? 'Give an age in days, a number of runs to keep, or both (whole numbers).'
          : done !== undefined ? `Deleted ${done} run${done === 1 ? '' : 's'}.`
          : counted ? `${counted.count} finished run${counted.count === 1 ? '' : 's'} would be deleted${counted.endedBefore ? ` (ended before ${counted.endedBefore.slice(0, 16).replace('T', ' ')} UTC)` : ''}.`
          : 'Count the runs first; nothing is deleted until you confirm.'}</p>
        ${error ? html`<p role="alert" class="error">${error}</p>` : null}
        <div class="actions">
          <button type="button" onClick=${() => dialog.current?.close()}>${done !== undefined ? 'Close' : 'Cancel'}</button>
          ${counted
            ? html`<button type="submit" class="danger" disabled=${busy || counted.count === 0}>Delete ${counted.count} run${counted.count === 1 ? '' : 's'}</button>`
            : html`<button type="submit" disabled=${busy || !valid}>Count runs</button>`}
        </div>
      </form>
    </dialog>`;
}
