import { isSecretValue, SpecInvalidError, type Experiment, type SpecIssue } from '@faultline/core';
import { isHostAllowed } from '@faultline/probes';

/**
 * Notify webhooks and Grafana URLs of an experiment whose host is not in the controller's allow-list
 * (the same `--allow-host` list probes, Toxiproxy APIs and http.call use), as spec issues. URLs given
 * as secret references cannot be seen before use and are not checked here.
 */
export function outboundHostIssues(experiment: Experiment, allowHosts: readonly string[] | undefined): SpecIssue[] {
  if (allowHosts === undefined) return [];
  const issues: SpecIssue[] = [];
  const check = (raw: string, path: string, what: string): void => {
    let host: string;
    try {
      host = new URL(raw).hostname;
    } catch {
      return; // the schema reports malformed URLs
    }
    if (isHostAllowed(host, allowHosts)) return;
    issues.push({
      path,
      message: `${what} may not call host "${host}": it is not in the controller's allowHosts setting (allowed: ${allowHosts.join(', ') || 'none'}); ask an operator to add it (--allow-host) or use an allowed host`,
      found: host,
      allowed: [...allowHosts],
    });
  };
  experiment.spec.notify?.forEach((n, i) => {
    if (!isSecretValue(n.url)) check(n.url, `spec.notify[${i}].${n.kind}.url`, `notify webhook "${n.name}"`);
  });
  experiment.spec.annotations?.forEach((a, i) => check(a.url, `spec.annotations[${i}].grafana.url`, `Grafana annotations "${a.name}"`));
  return issues;
}

/** Throws SpecInvalidError listing every refused host (see outboundHostIssues). */
export function assertOutboundHostsAllowed(experiment: Experiment, allowHosts: readonly string[] | undefined, source: string): void {
  const issues = outboundHostIssues(experiment, allowHosts);
  if (issues.length) throw new SpecInvalidError(issues.map((i) => ({ ...i, file: source })), { file: source });
}
