import type { DayRunner, GameDay, GateAnswer } from '@faultline/gameday';
import type { DayView } from './day-view.js';

const CTRL_C = '\u0003';
const ESC = '\u001b';

/**
 * The facilitator's keys while a day runs (stdin in raw mode): n note, a abort step, s skip, h halt,
 * g/s/x gate answers (then an optional note), digits tick checklist items, c continues a checklist.
 * Ctrl-C arrives as a byte in raw mode, so it is handed to the same handler as SIGINT.
 */
export function bindKeys(stdin: NodeJS.ReadStream, runner: DayRunner, view: DayView, day: GameDay, onCtrlC: () => void): () => void {
  let pending: { kind: 'note' } | { kind: 'gate'; answer: GateAnswer } | { kind: 'confirm-halt' } | undefined;

  const say = (m: string | undefined) => {
    view.message = m;
    view.redraw();
  };

  const submit = (text: string) => {
    const p = pending;
    pending = undefined;
    view.prompt = undefined;
    if (p?.kind === 'note' && text.trim()) runner.note(text.trim()).catch((err: Error) => say(`the note could not be journaled: ${err.message}`));
    if (p?.kind === 'gate' && !runner.answerGate(p.answer, text.trim() ? { note: text.trim() } : {})) say('the gate is no longer waiting');
    view.redraw();
  };

  const onData = (chunk: Buffer | string) => {
    const data = chunk.toString('utf8');
    if (data.includes(CTRL_C)) {
      onCtrlC();
      return;
    }
    if (pending && pending.kind !== 'confirm-halt') {
      // typing a line: printable characters, backspace, Enter, Esc
      const prompt = view.prompt ?? { label: '', text: '' };
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return submit(prompt.text);
        if (ch === ESC) {
          pending = undefined;
          view.prompt = undefined;
          say(undefined);
          return;
        }
        if (ch === '\u007f' || ch === '\b') prompt.text = prompt.text.slice(0, -1);
        else if (ch >= ' ') prompt.text += ch;
      }
      view.prompt = prompt;
      view.redraw();
      return;
    }
    const key = data[0];
    if (pending?.kind === 'confirm-halt') {
      pending = undefined;
      if (key === 'y' || key === 'h') runner.halt();
      else say('halt cancelled');
      return;
    }
    const status = runner.status();
    const step = status.step !== undefined ? day.spec.steps[status.step] : undefined;
    say(undefined);
    if (status.waitingFor === 'gate' && (key === 'g' || key === 's' || key === 'x')) {
      const answer: GateAnswer = key === 'g' ? 'go' : key === 's' ? 'skip' : 'no-go';
      pending = { kind: 'gate', answer };
      view.prompt = { label: `answer ${answer}; note (optional):`, text: '' };
      view.redraw();
      return;
    }
    if (status.waitingFor === 'checklist' && key !== undefined && /[1-9]/.test(key)) {
      if (!runner.tick(Number(key) - 1)) say(`no item ${key} to tick`);
      return;
    }
    switch (key) {
      case 'c':
      case '\r':
        if (status.waitingFor === 'checklist') runner.finishChecklist();
        break;
      case 'n':
        pending = { kind: 'note' };
        view.prompt = { label: `note${step ? ` on step ${step.index + 1}` : ''}:`, text: '' };
        view.redraw();
        break;
      case 'a':
        if (!runner.abortStep()) say('no step to abort');
        else say(`aborting step ${(status.step ?? 0) + 1}: reverting`);
        break;
      case 's':
        if (!runner.skipStep()) say('no step to skip');
        break;
      case 'h':
        pending = { kind: 'confirm-halt' };
        say('halt the whole day? every fault is reverted and no further step starts — press y (or h) to confirm, any other key to cancel');
        break;
      default:
        break;
    }
  };

  stdin.setRawMode?.(true);
  stdin.resume();
  stdin.on('data', onData);
  return () => {
    stdin.off('data', onData);
    stdin.setRawMode?.(false);
    stdin.pause();
  };
}
