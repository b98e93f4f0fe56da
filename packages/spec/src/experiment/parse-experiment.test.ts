import { defaultRevertPolicy, formatSpecIssues, SpecInvalidError } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { parseExperiment } from './parse-experiment.js';
import { designExample, edit, fullJsonExample, issuesOf, minimalExample, positionOf } from '../test/examples.js';
import { fakeRegistry } from '../test/fake-registry.js';

const registry = fakeRegistry();
const parse = (text: string, file = 'exp.yaml') => parseExperiment(text, { file, registry });
const issues = (text: string, file = 'exp.yaml') => issuesOf(() => parse(text, file));
const only = (text: string, file = 'exp.yaml') => {
  const found = issues(text, file);
  expect(found, formatSpecIssues(found)).toHaveLength(1);
  return found[0]!;
};

describe('valid experiments', () => {
  it('normalizes the design example: durations in ms, kinds split from selectors, defaults filled', () => {
    const exp = parse(designExample);
    expect(exp.metadata).toEqual({ name: 'checkout-survives-slow-redis', labels: { team: 'payments' } });
    expect(exp.spec.durationMs).toBe(120_000);
    expect(exp.spec.targets['redis']).toEqual({
      name: 'redis',
      kind: 'toxiproxy',
      selector: { api: 'http://127.0.0.1:8474', proxy: 'redis' },
      mode: { type: 'all' },
    });
    expect(exp.spec.targets['checkout-pods']?.mode).toEqual({ type: 'fixed-percent', value: 30 });
    expect(exp.spec.steadyState).toEqual([
      {
        name: 'error-rate',
        kind: 'prometheus',
        with: { url: 'http://127.0.0.1:9090', query: 'sum(rate(errors_total[1m]))/sum(rate(requests_total[1m]))' },
        expect: { below: 0.01 },
        timeoutMs: 2000,
      },
    ]);
    expect(exp.spec.faults).toEqual([
      { name: 'slow-redis', type: 'toxiproxy.latency', target: 'redis', with: { latency: '300ms', jitter: '50ms', stream: 'downstream' }, afterMs: 0 },
      { name: 'kill-one-checkout', type: 'kubernetes.pod-kill', target: 'checkout-pods', with: {}, afterMs: 30_000 },
    ]);
    expect(exp.spec.guards).toEqual([
      {
        name: 'checkout-healthy',
        kind: 'http',
        with: { url: 'http://127.0.0.1:8080/health', timeout: '500ms' },
        expect: { status: 200, latencyBelowMs: 1000 },
        timeoutMs: 1000,
        everyMs: 1000,
        breachAfter: 3,
      },
    ]);
    expect(exp.spec.blastRadius).toEqual({ maxTargets: 5, namespaces: ['shop'], requireLabel: { key: 'faultline.dev/enabled', value: 'true' } });
    expect(exp.spec.settleMs).toBe(0);
    expect(exp.spec.revert).toEqual(defaultRevertPolicy);
    expect(exp.spec).not.toHaveProperty('maxDurationMs');
    expect(exp.spec.faults[0]).not.toHaveProperty('forMs');
  });

  it('fills every default for a minimal experiment', () => {
    const exp = parse(minimalExample);
    expect(exp).toEqual({
      apiVersion: 'faultline.dev/v1',
      kind: 'Experiment',
      metadata: { name: 'minimal', labels: {} },
      spec: {
        durationMs: 30_000,
        targets: { redis: { name: 'redis', kind: 'toxiproxy', selector: { api: 'http://127.0.0.1:8474', proxy: 'redis' }, mode: { type: 'all' } } },
        steadyState: [],
        faults: [{ name: 'redis-down', type: 'toxiproxy.down', target: 'redis', with: {}, afterMs: 0 }],
        guards: [],
        blastRadius: {},
        settleMs: 0,
        revert: defaultRevertPolicy,
      },
    });
  });

  it('reads JSON with every optional key (tabs included) and keeps overrides', () => {
    const exp = parse(fullJsonExample.replace(/^ {2}/gm, '\t'), 'exp.json');
    expect(exp.spec.settleMs).toBe(10_000);
    expect(exp.spec.maxDurationMs).toBe(600_000);
    expect(exp.spec.revert).toEqual({ timeoutMs: 5000, maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 2000 });
    expect(exp.spec.targets['api']?.mode).toEqual({ type: 'one' });
    expect(exp.spec.targets['pods']?.mode).toEqual({ type: 'fixed', value: 2 });
    expect(exp.spec.steadyState.map((p) => p.expect)).toEqual([
      { status: [200, 204], latencyBelowMs: 250 },
      { between: [0.5, 1], in: [1, 0.5], equals: 1 },
      { matches: '^v\\d+', above: -1 },
    ]);
    expect(exp.spec.steadyState[0]?.timeoutMs).toBe(1000);
    expect(exp.spec.faults[0]).toMatchObject({ afterMs: 60_000, forMs: 120_000 });
    // Guard without timeout: default is 2s but never more than `every`.
    expect(exp.spec.guards[0]).toMatchObject({ everyMs: 500, timeoutMs: 500, breachAfter: 1 });
    expect(exp.spec.blastRadius).toEqual({ maxTargets: 3, maxPercent: 50, namespaces: ['shop', 'cart'], requireLabel: { key: 'chaos', value: '' }, allowKubeSystem: false });
    expect(exp.metadata.labels).toEqual({ team: 'payments', 'faultline.dev/owner': 'sre' });
  });

  it('accepts documents that only carry empty neighbours (leading ---, trailing ---, comments)', () => {
    expect(parse(`# comment\n---\n${minimalExample}---\n# end\n`).metadata.name).toBe('minimal');
  });

  it('checks structure only without a registry (any fault type, target and probe kind)', () => {
    const text = edit(edit(designExample, 'type: toxiproxy.latency', 'type: custom.thing'), 'toxiproxy: { api', 'custom: { api');
    const exp = parseExperiment(text, {});
    expect(exp.spec.faults[0]?.type).toBe('custom.thing');
    expect(exp.spec.targets['redis']?.kind).toBe('custom');
  });
});

describe('located errors', () => {
  it('reports every issue at once, sorted by position, each with file, line, column and path', () => {
    const text = edit(edit(designExample, 'duration: 2m', 'duration: 2 minutes'), 'latencyBelow: 1s', 'latencyBelo: 1s');
    const found = issues(text);
    expect(found.map((i) => i.path)).toEqual(['spec.duration', 'spec.guards[0].expect.latencyBelo']);
    expect(found[0]).toMatchObject({ file: 'exp.yaml', ...positionOf(text, '2 minutes'), found: '"2 minutes"' });
    expect(found[0]?.message).toMatch(/not a duration; use a number with a unit: 250ms, 30s, 2m/);
    expect(found[1]).toMatchObject({ ...positionOf(text, 'latencyBelo:'), allowed: expect.arrayContaining(['latencyBelow', 'below']) });
    expect(found[1]?.message).toBe("unknown key 'latencyBelo'; did you mean 'latencyBelow'?");
  });

  it('the thrown error is a SpecInvalidError whose message reads well', () => {
    const text = edit(designExample, 'stream: downstream', 'stream: sideways');
    try {
      parse(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SpecInvalidError);
      const { line, column } = positionOf(text, 'sideways');
      expect((err as SpecInvalidError).message).toBe(
        `exp.yaml:${line}:${column}  spec.faults[0].with.stream: is not an allowed value (found "sideways"; allowed: upstream, downstream)`,
      );
      expect((err as SpecInvalidError).code).toBe('FL_SPEC_INVALID');
    }
  });

  it('unknown keys everywhere, with a did-you-mean and the allowed keys', () => {
    const cases: Array<[string, string, string, string]> = [
      ['kind: Experiment', 'kind: Experiment\nkidn: x', 'kidn', "unknown key 'kidn'; did you mean 'kind'?"],
      ['kind: Experiment', 'kind: Experiment\nxyz: 1', 'xyz', "unknown key 'xyz'; remove it"],
      ['  duration: 2m', '  duraton: 2m', 'spec.duraton', "unknown key 'duraton'; did you mean 'duration'?"],
      ['    maxTargets: 5', '    maxTarget: 5', 'spec.blastRadius.maxTarget', "unknown key 'maxTarget'; did you mean 'maxTargets'?"],
      ['      after: 30s', '      afer: 30s', 'spec.faults[1].afer', "unknown key 'afer'; did you mean 'after'?"],
      ['latency: 300ms,', 'latncy: 300ms,', 'spec.faults[0].with.latncy', "unknown key 'latncy'; did you mean 'latency'?"],
      ['      every: 1s', '      evry: 1s', 'spec.guards[0].evry', "unknown key 'evry'; did you mean 'every'?"],
    ];
    for (const [from, to, path, message] of cases) {
      const text = edit(designExample, from, to);
      const issue = only(text);
      expect(issue.path).toBe(path);
      expect(issue.message).toBe(message);
      const key = path.split('.').pop()!.replace(/\[\d+\]$/, '');
      const pos = positionOf(text, `${key}:`);
      expect({ line: issue.line, column: issue.column }).toEqual(pos);
      expect(issue.allowed?.length).toBeGreaterThan(0);
    }
  });

  it('a misspelt required key is reported once, as a typo (not also as missing)', () => {
    const issue = only(edit(designExample, 'latency: 300ms,', 'latncy: 300ms,'));
    expect(issue.allowed).toEqual(['latency', 'jitter', 'stream']);
  });

  it('missing required keys name the key and what it is for', () => {
    const text = edit(designExample, '      target: redis\n', '');
    const issue = only(text);
    expect(issue.path).toBe('spec.faults[0].target');
    expect(issue.message).toBe("missing required key 'target'; add it (name of an entry in spec.targets)");
    expect(issue.line).toBe(positionOf(text, 'name: slow-redis').line);
  });

  it('enum values list what is allowed and suggest the closest', () => {
    const text = edit(designExample, 'fixed-percent', 'fixed-prcent');
    const issue = only(text);
    expect(issue).toMatchObject({
      path: 'spec.targets.checkout-pods.mode.type',
      message: "is not an allowed value; did you mean 'fixed-percent'?",
      allowed: ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'],
      found: '"fixed-prcent"',
      ...positionOf(text, 'fixed-prcent'),
    });
  });

  it('wrong apiVersion and kind say what is expected', () => {
    const found = issues(edit(edit(designExample, 'faultline.dev/v1', 'faultline.dev/v2'), 'kind: Experiment', 'kind: Schedule'));
    expect(found.map((i) => [i.path, i.message, i.allowed])).toEqual([
      ['apiVersion', "must be 'faultline.dev/v1'", ['faultline.dev/v1']],
      ['kind', "must be 'Experiment'", ['Experiment']],
    ]);
  });

  it('type mismatches say what was expected and found', () => {
    const text = edit(designExample, 'breachAfter: 3', 'breachAfter: three');
    expect(only(text)).toMatchObject({ path: 'spec.guards[0].breachAfter', message: 'expected a whole number, found a string', found: '"three"' });
    const renamed = edit(designExample, '  faults:\n', '  faultz:\n');
    expect(only(renamed)).toMatchObject({ path: 'spec.faultz', message: "unknown key 'faultz'; did you mean 'faults'?" });
  });

  it('status accepts a number or a list; anything else gets one clear message', () => {
    const bad = only(edit(designExample, 'status: 200', 'status: ok'));
    expect(bad).toMatchObject({ path: 'spec.guards[0].expect.status' });
    expect(bad.message).toBe('must be an HTTP status such as 200 or a list of HTTP statuses such as [200, 204], found a string');
    const inList = only(edit(designExample, 'status: 200', 'status: [200, 1000]'));
    expect(inList).toMatchObject({ path: 'spec.guards[0].expect.status[1]', message: 'must be at most 599' });
  });

  it('bad names: fault names are kebab-case, at most 39 characters', () => {
    const issue = only(edit(designExample, 'name: slow-redis', 'name: Slow_Redis'));
    expect(issue.path).toBe('spec.faults[0].name');
    expect(issue.message).toMatch(/^has the wrong format; expected fault name, unique in the experiment: lowercase letters/);
    const long = only(edit(designExample, 'name: slow-redis', `name: ${'a'.repeat(40)}`));
    expect(long.message).toBe('must be at most 39 characters long');
  });

  it('invalid label and target names point at the key', () => {
    const text = edit(designExample, 'labels: { team: payments }', 'labels: { "bad key": payments }');
    expect(only(text)).toMatchObject({ path: 'metadata.labels["bad key"]', ...positionOf(text, '"bad key"') });
  });

  it('malformed YAML reports the parser error position', () => {
    const text = edit(designExample, '  duration: 2m', '  duration: [2m');
    const issue = issues(text)[0]!;
    expect(issue.message).toMatch(/^YAML syntax error: /);
    expect(issue.file).toBe('exp.yaml');
    expect(issue.line).toBeGreaterThanOrEqual(positionOf(text, '[2m').line);
  });

  it('duplicate keys are errors at the second key, naming the first', () => {
    const text = edit(designExample, '      every: 1s', '      every: 1s\n      every: 2s');
    expect(only(text)).toMatchObject({ path: 'spec.guards[0].every', message: `duplicate key 'every' (first defined on line ${positionOf(text, 'every: 1s').line}); keep only one of them`, ...positionOf(text, 'every: 2s') });
  });

  it('a JSON file reports lines and columns too', () => {
    const text = fullJsonExample.replace('"maxAttempts": 3', '"maxAttempts": 0');
    expect(only(text, 'exp.json')).toMatchObject({ file: 'exp.json', path: 'spec.revert.maxAttempts', message: 'must be at least 1', line: positionOf(text, '"maxAttempts": 0').line, column: positionOf(text, '"maxAttempts": 0').column + 15 });
  });

  it('multi-document files must hold exactly one Experiment', () => {
    const text = `${minimalExample}---\napiVersion: faultline.dev/v1\nkind: Schedule\n`;
    const issue = only(text);
    expect(issue.message).toMatch(/document 2 of the file; an experiment file holds exactly one Experiment.*kinds: Experiment, Schedule/);
    expect(issue.line).toBe(positionOf(text, '---').line);
  });

  it('empty files and non-map documents are explained', () => {
    expect(only('')).toMatchObject({ message: expect.stringMatching(/holds no document/) });
    expect(only('# only a comment\n').message).toMatch(/holds no document/);
    expect(only('- a\n- b\n')).toMatchObject({ path: '', message: 'expected a map (key: value), found a list', line: 1, column: 1 });
  });

  it('YAML values JSON cannot hold are errors', () => {
    expect(only(edit(designExample, '  duration: 2m', '  duration: !!binary aGVsbG8=')).message).toMatch(/not supported/);
    expect(only(edit(designExample, 'below: 0.01', 'below: .inf')).message).toMatch(/not a finite number/);
    expect(only(`%YAML 1.1\n---\n${edit(minimalExample, 'name: minimal', 'name: minimal\n  labels: { since: 2001-12-14 }')}`).message).toMatch(/timestamps/);
    expect(only(edit(designExample, '  duration: 2m', '  duration: !custom 2m')).message).toMatch(/^unsupported YAML: Unresolved tag: !custom; remove the tag/);
  });

  it('aliases are resolved; recursive or exploding aliases are errors, not hangs', () => {
    const aliased = edit(designExample, '      http: { url: http://127.0.0.1:8080/health, timeout: 500ms }', '      http: *probe');
    const anchored = edit(aliased, "      prometheus: { url: http://127.0.0.1:9090, query: 'sum(rate(errors_total[1m]))/sum(rate(requests_total[1m]))' }", '      prometheus: &probe { url: http://127.0.0.1:9090, query: up }');
    const exp = parseExperiment(anchored, {});
    expect(exp.spec.guards[0]?.with).toEqual({ url: 'http://127.0.0.1:9090', query: 'up' });

    expect(only('a: &x [1, *x]\n').message).toMatch(/contains itself/);
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    expect(only(laughs.join('\n')).message).toMatch(/more than 100000 values/);
  });
});

describe('semantic checks', () => {
  it('fault.target must name a target (did you mean + allowed)', () => {
    const text = edit(designExample, 'target: redis', 'target: rediss');
    expect(only(text)).toMatchObject({
      path: 'spec.faults[0].target',
      message: "no target named 'rediss' in spec.targets; did you mean 'redis'?",
      allowed: ['redis', 'checkout-pods'],
      ...positionOf(text, 'rediss'),
    });
  });

  it("the fault type's target kind must match the target's kind", () => {
    const issue = only(edit(designExample, 'target: redis', 'target: checkout-pods'));
    expect(issue).toMatchObject({ path: 'spec.faults[0].target', allowed: ['redis'] });
    expect(issue.message).toBe("fault type toxiproxy.latency acts on 'toxiproxy' targets, but target 'checkout-pods' is a 'kubernetes' target; choose a toxiproxy target");
  });

  it('unknown fault types list the known ones', () => {
    const issue = only(edit(designExample, 'type: toxiproxy.latency', 'type: toxiproxy.latncy'));
    expect(issue).toMatchObject({
      path: 'spec.faults[0].type',
      message: "unknown fault type 'toxiproxy.latncy'; did you mean 'toxiproxy.latency'?",
      allowed: ['kubernetes.pod-kill', 'toxiproxy.down', 'toxiproxy.latency'],
    });
    expect(formatSpecIssues([issue])).toContain('allowed: kubernetes.pod-kill, toxiproxy.down, toxiproxy.latency');
  });

  it('after + for must lie within the hold; after must start inside it', () => {
    expect(only(edit(designExample, '      after: 30s', '      after: 2m'))).toMatchObject({ path: 'spec.faults[1].after', message: expect.stringMatching(/never run/) });
    expect(only(edit(designExample, '      after: 30s', '      after: 30s\n      for: 91s'))).toMatchObject({ path: 'spec.faults[1].for', message: expect.stringMatching(/ends past the hold \(duration 2m\)/) });
    expect(parse(edit(designExample, '      after: 30s', '      after: 30s\n      for: 90s')).spec.faults[1]?.forMs).toBe(90_000);
  });

  it('durations must be positive and fit a timer', () => {
    expect(only(edit(designExample, 'duration: 2m', 'duration: 0s'))).toMatchObject({ path: 'spec.duration', message: 'must be longer than 0; use e.g. 1s' });
    expect(only(edit(designExample, 'every: 1s', 'every: 0ms')).path).toBe('spec.guards[0].every');
    expect(only(edit(designExample, 'duration: 2m', 'duration: 1000h')).message).toMatch(/too long; durations are limited to 596h/);
  });

  it('names are unique within faults, steadyState and guards', () => {
    const text = edit(designExample, 'name: kill-one-checkout', 'name: slow-redis');
    expect(only(text)).toMatchObject({ path: 'spec.faults[1].name', message: "name 'slow-redis' is already used by faults[0]; names must be unique — rename one of them" });
    const probes = edit(designExample, '  guards:\n', "  guards:\n    - name: g\n      tcp: {}\n      expect: { equals: 1 }\n    - name: g\n      tcp: {}\n      expect: { equals: 1 }\n");
    const found = issuesOf(() => parseExperiment(probes, {}));
    expect(found.map((i) => i.path)).toEqual(['spec.guards[1].name']);
  });

  it('regexes must compile; between must be ordered; below/above must be satisfiable', () => {
    expect(only(edit(designExample, 'below: 0.01', "matches: '([a-z'"))).toMatchObject({ path: 'spec.steadyState[0].expect.matches', message: expect.stringMatching(/not a valid regular expression/) });
    expect(only(edit(designExample, 'below: 0.01', 'between: [2, 1]')).message).toBe('low 2 is greater than high 1; write [low, high]');
    expect(only(edit(designExample, 'below: 0.01', 'below: 1, above: 2')).message).toMatch(/can never hold/);
  });

  it('an expectation needs at least one key', () => {
    expect(only(edit(designExample, '{ below: 0.01 }', '{}'))).toMatchObject({ path: 'spec.steadyState[0].expect', message: 'must not be empty' });
  });

  it('a guard timeout may not exceed every', () => {
    expect(only(edit(designExample, '      every: 1s', '      every: 1s\n      timeout: 2s'))).toMatchObject({ path: 'spec.guards[0].timeout', message: expect.stringMatching(/longer than every \(1s\)/) });
  });

  it('modes: value rules per type', () => {
    expect(only(edit(designExample, 'value: 30', 'value: 130')).message).toBe('is a percent and must be at most 100');
    expect(only(edit(designExample, 'type: fixed-percent, value: 30', 'type: fixed, value: 1.5')).message).toBe('must be a whole number of targets');
    expect(only(edit(designExample, 'type: fixed-percent, value: 30', 'type: fixed')).message).toMatch(/^mode 'fixed' needs a value/);
    expect(only(edit(designExample, 'type: fixed-percent, value: 30', 'type: one, value: 3')).message).toBe("is not used with mode 'one'; remove it");
  });

  it('targets need exactly one known kind; probes too', () => {
    const two = edit(designExample, '      mode: { type: fixed-percent, value: 30 }', '      mode: { type: fixed-percent, value: 30 }\n      toxiproxy: { api: http://127.0.0.1:8474, proxy: x }');
    expect(only(two)).toMatchObject({ path: 'spec.targets.checkout-pods.toxiproxy', message: "has more than one target kind ('kubernetes', 'toxiproxy'); keep exactly one, or split the entry in two" });
    const unknownKind = edit(designExample, 'kubernetes: { kind: Pod', 'kubernets: { kind: Pod');
    const issue = only(unknownKind);
    expect(issue).toMatchObject({ path: 'spec.targets.checkout-pods.kubernets', message: "unknown key 'kubernets'; did you mean 'kubernetes'?", ...positionOf(unknownKind, 'kubernets') });
    expect(issue.allowed).toEqual(['mode', 'kubernetes', 'toxiproxy']);
    const noProbe = edit(designExample, '      http: { url: http://127.0.0.1:8080/health, timeout: 500ms }\n', '');
    expect(only(noProbe)).toMatchObject({ path: 'spec.guards[0]', message: 'names no probe kind; add one key naming it, e.g. http: {...}', allowed: ['http', 'prometheus'] });
    const scalarKind = edit(designExample, 'http: { url: http://127.0.0.1:8080/health, timeout: 500ms }', 'http: http://127.0.0.1:8080/health');
    expect(only(scalarKind)).toMatchObject({ path: 'spec.guards[0].http', message: "expected a map with the probe kind's parameters" });
  });

  it("validates selectors and probe params against the registry's schemas", () => {
    expect(only(edit(designExample, 'kind: Pod,', 'kind: Service,'))).toMatchObject({ path: 'spec.targets.checkout-pods.kubernetes.kind', allowed: ['Pod', 'Deployment'] });
    expect(only(edit(designExample, 'url: http://127.0.0.1:8080/health', 'url: not a url'))).toMatchObject({ path: 'spec.guards[0].http.url', message: 'is not a valid uri' });
    expect(only(edit(designExample, 'query: \'sum', 'qery: \'sum'))).toMatchObject({ path: 'spec.steadyState[0].prometheus.qery', message: "unknown key 'qery'; did you mean 'query'?" });
  });

  it("adds the provider's own check messages under the fault's with:", () => {
    const text = edit(designExample, 'jitter: 50ms', 'jitter: 999ms');
    expect(only(text)).toMatchObject({ path: 'spec.faults[0].with.jitter', message: 'jitter must be smaller than latency', ...positionOf(text, '999ms') });
    // The check runs only once the schema passed.
    expect(only(edit(text, 'latency: 300ms', 'latency: fast')).path).toBe('spec.faults[0].with.latency');
  });

  it('a provider whose check throws still yields a SpecInvalidError naming the fault type', () => {
    const text = edit(designExample, '      after: 30s', '      after: 30s\n      with: { gracePeriod: 13s }');
    expect(only(text).message).toMatch(/^fault type kubernetes.pod-kill could not check these parameters \(boom\)/);
  });

  it('maxDuration and revert backoffs must be consistent', () => {
    expect(only(edit(designExample, '  duration: 2m', '  duration: 2m\n  maxDuration: 1m')).message).toMatch(/shorter than duration/);
    expect(only(edit(designExample, '  duration: 2m', '  duration: 2m\n  revert: { initialBackoff: 20s }')).message).toBe('is longer than maxBackoff (the default 10.0s); make it shorter or raise maxBackoff');
    expect(only(edit(designExample, '  duration: 2m', '  duration: 2m\n  revert: { maxAttempts: 1.5 }')).message).toBe('expected a whole number, found a number');
  });

  it('blast radius values are checked', () => {
    const found = issues(edit(edit(designExample, 'requireLabel: faultline.dev/enabled=true', 'requireLabel: enabled\n    maxPercent: 0'), 'namespaces: [shop]', 'namespaces: [shop, shop]'));
    expect(found.map((i) => [i.path, i.message])).toEqual([
      ['spec.blastRadius.namespaces', 'entries 0 and 1 are the same; list each value once'],
      ['spec.blastRadius.requireLabel', 'has the wrong format; expected a label every target must carry, as key=value, e.g. faultline.dev/enabled=true'],
      ['spec.blastRadius.maxPercent', 'must be more than 0'],
    ]);
  });
});

describe('steady-state probes are not guards', () => {
  it("'every' and 'breachAfter' in steadyState say where they belong", () => {
    const text = edit(designExample, '      expect: { below: 0.01 }', '      expect: { below: 0.01 }\n      every: 5s');
    expect(only(text)).toMatchObject({ path: 'spec.steadyState[0].every', message: "'every' only applies to guards; remove it, or move this probe to spec.guards", ...positionOf(text, 'every: 5s') });
    expect(issuesOf(() => parseExperiment(text, {})).map((i) => i.path)).toEqual(['spec.steadyState[0].every']);
  });
});
