/** A small LRU of last good answers, used only as a fallback when the upstream fails. */
export class StaleCache<V> {
  private readonly entries = new Map<string, { value: V; storedAt: number }>();

  constructor(private readonly opts: { maxEntries: number; maxAgeMs: number; now?: () => number }) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: this.now() });
    if (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** The value and its age, or undefined when missing or older than maxAgeMs. */
  get(key: string): { value: V; ageMs: number } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const ageMs = this.now() - e.storedAt;
    if (ageMs > this.opts.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: e.value, ageMs };
  }

  get size(): number {
    return this.entries.size;
  }
}
