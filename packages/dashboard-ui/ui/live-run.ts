import { useEffect, useRef, useState } from 'preact/hooks';
import type { JournalEvent } from '@faultline/core';
import { applyEvent, emptyRunModel, isTerminalState, type RunModel } from '../src/run-model.js';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

/**
 * Follows a run's journal over the existing SSE endpoint. EventSource reconnects by itself after a blip
 * and sends Last-Event-ID, so the controller resumes after the last event we saw (no gaps, no repeats;
 * applyEvent ignores anything already applied). Re-renders at most RENDER_HZ times a second (and only in
 * an animation frame): 20 guards at 4 Hz are 80 events a second, which must not mean 80 redraws.
 */
export const RENDER_EVERY_MS = 250;
export function useLiveRun(runId: string): { model: RunModel; version: number; status: StreamStatus } {
  const model = useRef<RunModel>(emptyRunModel());
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  useEffect(() => {
    model.current = emptyRunModel();
    let frame = 0;
    let timer = 0;
    let lastRender = 0;
    let closed = false;
    const es = new EventSource(`/v1/runs/${encodeURIComponent(runId)}/events`);
    const render = () => {
      timer = 0;
      frame = requestAnimationFrame((t) => {
        frame = 0;
        lastRender = t;
        setVersion((v) => v + 1);
      });
    };
    const schedule = () => {
      if (frame || timer) return;
      const wait = Math.max(0, lastRender + RENDER_EVERY_MS - performance.now());
      timer = window.setTimeout(render, wait);
    };
    const onEvent = (msg: MessageEvent<string>) => {
      const e = JSON.parse(msg.data) as JournalEvent;
      applyEvent(model.current, e);
      schedule();
      // The stream ends after the verdict; close so EventSource does not reconnect to a finished run.
      if (e.type === 'verdict' && e.outcome !== 'revert-pending' && isTerminalState(model.current.state)) {
        closed = true;
        es.close();
        setStatus('ended');
      }
    };
    const types = ['run-created', 'plan', 'transition', 'probe', 'fault-injecting', 'fault-injected', 'fault-inject-failed', 'fault-reverting', 'fault-reverted', 'fault-revert-failed', 'guard-breach', 'abort', 'verdict', 'forced', 'note'];
    for (const t of types) es.addEventListener(t, onEvent as EventListener);
    es.onopen = () => setStatus('live');
    es.onerror = () => {
      if (closed) return;
      if (isTerminalState(model.current.state)) {
        closed = true;
        es.close();
        setStatus('ended');
        return;
      }
      setStatus(es.readyState === EventSource.CLOSED ? 'failed' : 'reconnecting');
    };
    return () => {
      closed = true;
      es.close();
      if (frame) cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
    };
  }, [runId]);
  return { model: model.current, version, status };
}
