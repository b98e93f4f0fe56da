/**
 * One abort listener on a shared signal, fanned out to short-lived child signals.
 *
 * Sixteen inject workers (or a dozen delayed faults) each passing the run's hold signal to `withTimeout`
 * would add one listener each to the same AbortSignal at once, and Node warns past ten
 * (`MaxListenersExceededWarning ... abort listeners added to [AbortSignal]`). Instead each worker takes a
 * child here: the parent carries exactly one listener for the scope's lifetime, every child signal carries
 * only the listeners of its own in-flight call, and `close()` removes the parent listener.
 */
export class SignalScope {
  private readonly children = new Set<AbortController>();
  private readonly onAbort = () => {
    for (const c of this.children) c.abort(this.parent.reason);
    this.children.clear();
  };

  constructor(private readonly parent: AbortSignal) {
    if (!parent.aborted) parent.addEventListener('abort', this.onAbort, { once: true });
  }

  /** A signal that aborts with the parent's reason; `release()` forgets it (call it in a finally). */
  child(): { signal: AbortSignal; release(): void } {
    const ctl = new AbortController();
    if (this.parent.aborted) ctl.abort(this.parent.reason);
    else this.children.add(ctl);
    return { signal: ctl.signal, release: () => void this.children.delete(ctl) };
  }

  /** Removes the listener from the parent; children handed out so far no longer follow it. */
  close(): void {
    this.parent.removeEventListener('abort', this.onAbort);
    this.children.clear();
  }
}
