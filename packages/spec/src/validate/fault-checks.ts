import type { FaultProvider } from '@faultline/core';
import type { TSchema } from '@sinclair/typebox';
import { suggestion } from '../source/did-you-mean.js';
import { isPlainObject, type PathSegment } from '../source/path.js';
import type { CheckContext } from './check-context.js';
import { checkUniqueName } from './unique-names.js';

/** Checks spec.faults: names, time window, target reference and kind, provider params and checks. */
export function checkFaults(ctx: CheckContext, faults: unknown, targetKinds: Map<string, string | undefined>, holdMs: number | undefined): void {
  if (!Array.isArray(faults)) return;
  const names = new Map<string, number>();
  faults.forEach((fault, i) => {
    const p: PathSegment[] = ['spec', 'faults', i];
    if (!isPlainObject(fault)) return;
    checkUniqueName(ctx, names, fault['name'], i, ['spec', 'faults']);
    checkWindow(ctx, fault, p, holdMs);
    const targetKind = checkTargetReference(ctx, fault['target'], [...p, 'target'], targetKinds);
    checkProvider(ctx, fault, p, targetKind, targetKinds);
  });
}

function checkWindow(ctx: CheckContext, fault: Record<string, unknown>, p: PathSegment[], holdMs: number | undefined): void {
  const afterMs = ctx.duration([...p, 'after'], fault['after'], 'non-negative');
  const forMs = ctx.duration([...p, 'for'], fault['for'], 'positive');
  if (holdMs === undefined) return;
  if (afterMs !== undefined && afterMs >= holdMs) {
    ctx.add([...p, 'after'], `starts at or after the end of the hold (duration ${formatHold(holdMs)}); the fault would never run — make after shorter than duration`, { found: fault['after'] });
  } else if (forMs !== undefined && (afterMs ?? 0) + forMs > holdMs) {
    ctx.add([...p, 'for'], `after + for ends past the hold (duration ${formatHold(holdMs)}); shorten for or after, or raise duration`, { found: fault['for'] });
  }
}

function checkTargetReference(ctx: CheckContext, name: unknown, path: PathSegment[], targetKinds: Map<string, string | undefined>): string | undefined {
  if (typeof name !== 'string') return undefined;
  if (targetKinds.has(name)) return targetKinds.get(name);
  const names = [...targetKinds.keys()];
  ctx.add(path, `no target named '${name}' in spec.targets${suggestion(name, names) || '; add it there or use one of the defined targets'}`, { found: name, allowed: names });
  return undefined;
}

function checkProvider(ctx: CheckContext, fault: Record<string, unknown>, p: PathSegment[], targetKind: string | undefined, targetKinds: Map<string, string | undefined>): void {
  const type = fault['type'];
  if (typeof type !== 'string' || !ctx.registry) return;
  const provider = ctx.registry.faults.get(type);
  if (!provider) {
    const known = [...ctx.registry.faults.keys()].sort();
    ctx.add([...p, 'type'], `unknown fault type '${type}'${suggestion(type, known) || '; use one of the allowed types'}`, { found: type, allowed: known });
    return;
  }
  if (targetKind !== undefined && provider.targetKind !== targetKind) {
    const fitting = [...targetKinds.entries()].filter(([, k]) => k === provider.targetKind).map(([n]) => n);
    ctx.add(
      [...p, 'target'],
      `fault type ${type} acts on '${provider.targetKind}' targets, but target '${String(fault['target'])}' is a '${targetKind}' target; choose a ${provider.targetKind} target${fitting.length ? '' : ' (add one to spec.targets)'}`,
      { found: fault['target'], allowed: fitting },
    );
  }
  const params = fault['with'] === undefined ? {} : fault['with'];
  if (!isPlainObject(params)) return;
  const schemaIssues = ctx.schema(provider.paramsSchema as TSchema, params, [...p, 'with'], `fault type ${type}`);
  if (schemaIssues === 0) runProviderCheck(ctx, provider, params, [...p, 'with']);
}

function runProviderCheck(ctx: CheckContext, provider: FaultProvider<any, any>, params: Record<string, unknown>, path: PathSegment[]): void {
  if (!provider.check) return;
  let problems: Array<{ path: string; message: string }>;
  try {
    problems = provider.check(params);
  } catch (err) {
    // A throwing check is a provider bug; still report it where the user can see which fault it was.
    ctx.add(path, `fault type ${provider.type} could not check these parameters (${err instanceof Error ? err.message : String(err)}); report this as a bug of that fault type`);
    return;
  }
  for (const problem of problems) ctx.add([...path, ...splitParamPath(problem.path)], problem.message);
}

function formatHold(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** 'latency', 'headers.x', 'items[2].name' -> path segments. */
export function splitParamPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const part of path.split('.')) {
    if (part === '') continue;
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}
