import { BlastRadiusError, type Target } from '@faultline/core';
import { detectSelfContainerIds, isSelf } from './self-container.js';

/** `key=value` or bare `key` (any value). */
export interface RequiredLabel {
  readonly key: string;
  readonly value?: string;
}

export function parseRequiredLabel(text: string | undefined): RequiredLabel | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const i = text.indexOf('=');
  return i < 0 ? { key: text.trim() } : { key: text.slice(0, i).trim(), value: text.slice(i + 1).trim() };
}

/**
 * The two rules no docker fault may break: never the container Faultline runs in, and (when the plugin
 * is configured with requireLabel) only containers that opted in with that label.
 */
export class TargetSafety {
  readonly selfIds: readonly string[];
  readonly requireLabel: RequiredLabel | undefined;
  constructor(opts: { requireLabel?: string | undefined; selfIds?: readonly string[] | undefined }) {
    this.requireLabel = parseRequiredLabel(opts.requireLabel);
    this.selfIds = opts.selfIds ?? detectSelfContainerIds();
  }

  /** Why this container may not be touched, or undefined when it may. */
  refusal(c: { id: string; labels: Readonly<Record<string, string>> }): string | undefined {
    if (isSelf(c.id, this.selfIds)) return 'it is the container Faultline itself runs in';
    const rl = this.requireLabel;
    if (rl) {
      const v = c.labels[rl.key];
      if (v === undefined || (rl.value !== undefined && v !== rl.value)) {
        return `it lacks the opt-in label ${rl.key}${rl.value !== undefined ? `=${rl.value}` : ''}`;
      }
    }
    return undefined;
  }

  /** Throws BlastRadiusError when the container may not be touched. */
  assertAllowed(target: Target, c: { id: string; labels: Readonly<Record<string, string>> }): void {
    const why = this.refusal(c);
    if (why) {
      throw new BlastRadiusError(`refusing to touch container ${target.name} (${c.id.slice(0, 12)}): ${why}`, {
        hint: this.requireLabel && why.includes('opt-in')
          ? `add the label to the container (docker run --label ${this.requireLabel.key}${this.requireLabel.value !== undefined ? `=${this.requireLabel.value}` : ''}) or narrow the selector`
          : 'narrow the target selector so it does not match this container',
      });
    }
  }
}
