import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultEffect } from '@faultline/core';
import type { FaultKind } from '../faults.js';

/** One fault on this node, as the journal keeps it. */
export interface JournalEntry {
  readonly id: string;
  readonly tag: string;
  readonly kind: FaultKind;
  readonly containerId: string;
  /** Namespace inode: the key for revert (the sandbox's namespace, not the container process). */
  readonly inode: number;
  readonly params: unknown;
  /** applying: written BEFORE anything is changed; applied: the change is in; reverted: revert succeeded. */
  state: 'applying' | 'applied' | 'reverted';
  /** Wall-clock epoch ms at which the agent reverts unless renewed. */
  leaseExpiresAtMs: number;
  mechanism?: string;
  /** Why it was reverted: request, lease-expired, agent-restart, apply-failed, shutdown. */
  revertReason?: string;
  /** Last revert error, while retries go on. */
  lastError?: string;
  /** Measured from inside the namespace right after the apply (effective / ineffective / unverified). */
  effect?: FaultEffect;
}

/**
 * The agent's journal on a hostPath (survives agent restarts and upgrades): one JSON file, rewritten
 * atomically (write temp, fsync, rename) on every change. An entry is written before its fault
 * touches the namespace and marked reverted only after the revert succeeded, so after a crash the
 * agent knows exactly what may still be applied.
 */
export class NodeJournal {
  private readonly file: string;
  private entries = new Map<string, JournalEntry>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'agent-journal.json');
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { entries: JournalEntry[] };
      for (const e of parsed.entries) this.entries.set(e.id, e);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`agent journal ${this.file} is unreadable: ${String(err)}; move it aside only after checking the node for tagged rules (faultline agent --sweep=all)`);
    }
  }

  get(id: string): JournalEntry | undefined {
    return this.entries.get(id);
  }

  all(): JournalEntry[] {
    return [...this.entries.values()];
  }

  /** Entries whose fault may still be in place. */
  open(): JournalEntry[] {
    return this.all().filter((e) => e.state !== 'reverted');
  }

  put(entry: JournalEntry): void {
    this.entries.set(entry.id, entry);
    this.flush();
  }

  update(id: string, patch: Partial<JournalEntry>): JournalEntry {
    const e = this.entries.get(id);
    if (!e) throw new Error(`no journal entry ${id}`);
    Object.assign(e, patch);
    this.flush();
    return e;
  }

  /** Reverted entries are kept for the last 1000, so a late DELETE still finds "already reverted". */
  private flush(): void {
    const reverted = this.all().filter((e) => e.state === 'reverted');
    for (const e of reverted.slice(0, Math.max(0, reverted.length - 1000))) this.entries.delete(e.id);
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ version: 1, entries: this.all() }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
