import type { BlastRadius, LimitCheck, PlannedTarget } from '@faultline/core';

/**
 * Static blast-radius checks on the resolved plan, before anything is injected.
 * Every configured limit yields one LimitCheck, passing or not, so `faultline plan` can show all of them.
 * kube-system is always refused unless allowKubeSystem is set.
 */
export function checkBlastRadius(limits: BlastRadius, targets: readonly PlannedTarget[]): LimitCheck[] {
  const checks: LimitCheck[] = [];
  const all = targets.flatMap((t) => t.selected);
  const distinct = new Map(all.map((t) => [t.id, t]));

  if (limits.maxTargets !== undefined) {
    checks.push({
      limit: `maxTargets ${limits.maxTargets}`,
      ok: distinct.size <= limits.maxTargets,
      detail: `${distinct.size} target${distinct.size === 1 ? '' : 's'} selected`,
    });
  }
  if (limits.maxPercent !== undefined) {
    for (const t of targets) {
      const pct = t.candidates === 0 ? 0 : (t.selected.length / t.candidates) * 100;
      checks.push({
        limit: `maxPercent ${limits.maxPercent}% (${t.name})`,
        ok: pct <= limits.maxPercent,
        detail: `${t.selected.length} of ${t.candidates} (${Math.round(pct)}%)`,
      });
    }
  }
  if (limits.namespaces) {
    const allowed = new Set(limits.namespaces);
    const outside = [...distinct.values()].filter((t) => t.namespace !== undefined && !allowed.has(t.namespace));
    checks.push({
      limit: `namespaces ${limits.namespaces.join(', ')}`,
      ok: outside.length === 0,
      detail: outside.length ? `outside the allow-list: ${outside.map((t) => t.name).join(', ')}` : 'all targets inside',
    });
  }
  if (limits.requireLabel) {
    const { key, value } = limits.requireLabel;
    const missing = [...distinct.values()].filter((t) => t.labels[key] !== value);
    checks.push({
      limit: `requireLabel ${key}=${value}`,
      ok: missing.length === 0,
      detail: missing.length ? `missing on: ${missing.map((t) => t.name).join(', ')}` : 'present on every target',
    });
  }
  const kubeSystem = [...distinct.values()].filter((t) => t.namespace === 'kube-system');
  if (kubeSystem.length && !limits.allowKubeSystem) {
    checks.push({ limit: 'kube-system protected', ok: false, detail: `targets in kube-system: ${kubeSystem.map((t) => t.name).join(', ')} (set blastRadius.allowKubeSystem to allow)` });
  }
  return checks;
}
