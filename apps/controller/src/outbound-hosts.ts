import { isSecretValue, SpecInvalidError, type Experiment, type NotifySpec, type SpecIssue } from '@faultline/core';
import { isHostAllowed } from '@faultline/probes';

/**
 * Notify webhooks and Grafana URLs of an experiment whose host is not in the controller's allow-list
 * (the same `--allow-host` list probes, Toxiproxy APIs and http.call use), as spec issues. URLs given
 * as secret references cannot be seen before use and are not checked here.
 */
export function outboundHostIssues(experiment: Experiment, allowHosts: readonly string[] | undefined): SpecIssue[] {
  return [
    ...notifyHostIssues(experiment.spec.notify, allowHosts),
    ...(experiment.spec.annotations ?? []).flatMap((a, i) => hostIssue(a.url, `spec.annotations[${i}].grafana.url`, `Grafana annotations "${a.name}"`, allowHosts)),
  ];
}

/** The same check for a `notify:` list (experiments and schedules). */
export function notifyHostIssues(notify: readonly NotifySpec[] | undefined, allowHosts: readonly string[] | undefined): SpecIssue[] {
  return (notify ?? []).flatMap((n, i) => (isSecretValue(n.url) ? [] : hostIssue(n.url, `spec.notify[${i}].${n.kind}.url`, `notify webhook "${n.name}"`, allowHosts)));
}

function hostIssue(raw: string, path: string, what: string, allowHosts: readonly string[] | undefined): SpecIssue[] {
  if (allowHosts === undefined || !URL.canParse(raw)) return []; // the schema reports malformed URLs
  const host = new URL(raw).hostname;
  if (isHostAllowed(host, allowHosts)) return [];
  return [{
    path,
    message: `${what} may not call host "${host}": it is not in the controller's allowHosts setting (allowed: ${allowHosts.join(', ') || 'none'}); ask an operator to add it (--allow-host) or use an allowed host`,
    found: host,
    allowed: [...allowHosts],
  }];
}

/** Throws SpecInvalidError listing every refused host (see outboundHostIssues). */
export function assertOutboundHostsAllowed(experiment: Experiment, allowHosts: readonly string[] | undefined, source: string): void {
  const issues = outboundHostIssues(experiment, allowHosts);
  if (issues.length) throw new SpecInvalidError(issues.map((i) => ({ ...i, file: source })), { file: source });
}
