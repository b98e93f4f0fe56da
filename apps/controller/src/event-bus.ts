import { EventEmitter } from 'node:events';
import type { JournalEvent } from '@faultline/core';

/** Live journal events per run, for SSE subscribers. Bounded: no listener is kept after its stream closes. */
export class RunEventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  publish(event: JournalEvent): void {
    this.emitter.emit(event.runId, event);
  }
  subscribe(runId: string, fn: (e: JournalEvent) => void): () => void {
    this.emitter.on(runId, fn);
    return () => this.emitter.off(runId, fn);
  }
}
