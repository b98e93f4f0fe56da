import { notifyDefaults, parseDuration, type GrafanaAnnotationSpec, type NotifyEvent, type NotifySpec, type SecretValue, type StringOrSecret } from '@faultline/core';

type Obj = Record<string, any>;

/** `notify:` entries (already schema-checked) as core's NotifySpec. Shared by experiments, schedules and game days. */
export function normalizeNotify(entries: readonly Obj[] | undefined): NotifySpec[] {
  return (entries ?? []).map((e) => {
    const slack = e['slack'] as Obj | undefined;
    const hook = (slack ?? e['webhook']) as Obj;
    return {
      name: e['name'] as string,
      kind: slack ? 'slack' : 'webhook',
      url: hook['url'] as StringOrSecret,
      ...(!slack && hook['secret'] ? { secret: hook['secret'] as SecretValue } : {}),
      on: (e['on'] as NotifyEvent[] | undefined) ?? notifyDefaults.on,
      timeoutMs: e['timeout'] ? parseDuration(e['timeout'] as string) : notifyDefaults.timeoutMs,
      retries: (e['retries'] as number | undefined) ?? notifyDefaults.retries,
      ...(e['headsUp'] ? { headsUpMs: parseDuration(e['headsUp'] as string) } : {}),
    };
  });
}

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
