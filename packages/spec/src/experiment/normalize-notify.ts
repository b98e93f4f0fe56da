import { normalizeNotify, parseDuration, type GrafanaAnnotationSpec, type SecretValue } from '@faultline/core';

export { normalizeNotify };

type Obj = Record<string, any>;

/** `annotations:` entries as core's GrafanaAnnotationSpec. */
export function normalizeAnnotations(entries: readonly Obj[] | undefined): GrafanaAnnotationSpec[] {
  return (entries ?? []).map((e) => {
    const g = e['grafana'] as Obj;
    return {
      name: e['name'] as string,
      url: (g['url'] as string).replace(/\/$/, ''),
      token: g['token'] as SecretValue,
      ...(g['dashboardUID'] ? { dashboardUID: g['dashboardUID'] as string } : {}),
      ...(g['panelId'] !== undefined ? { panelId: g['panelId'] as number } : {}),
      tags: (g['tags'] as string[] | undefined) ?? [],
      timeoutMs: g['timeout'] ? parseDuration(g['timeout'] as string) : 3_000,
    };
  });
}
