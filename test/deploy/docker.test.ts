import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { DockerfileParser } from 'dockerfile-ast';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const text = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const instructions = dockerfile.getInstructions().map((i) => ({ keyword: i.getKeyword(), args: i.getArgumentsContent() ?? '' }));
/** Instructions of the last stage (the image that ships). */
const runtime = instructions.slice(instructions.map((i) => i.keyword).lastIndexOf('FROM'));

describe('deploy/docker/Dockerfile', () => {
  it('passes the dockerfile-utils linter with no errors or warnings', () => {
    const problems = validate(text).filter((d) => d.severity === ValidationSeverity.ERROR || d.severity === ValidationSeverity.WARNING);
    expect(problems.map((p) => `line ${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
  });

  it('the linter does catch broken Dockerfiles', () => {
    expect(validate('FROM node:22\nRUNN echo hi\nEXPOSE 99999\n').length).toBeGreaterThan(0);
  });

  it('is multi-stage: a build stage running npm ci and the build, then a Node 22 slim runtime', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBe(2);
    expect(text).toMatch(/ARG NODE_IMAGE=node:22-[a-z]+-slim/);
    const build = instructions.slice(0, instructions.indexOf(froms[1]!)).map((i) => i.args).join('\n');
    expect(build).toMatch(/npm ci/);
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/npm prune --omit=dev/);
    expect(text.slice(text.lastIndexOf('\nFROM '))).toMatch(/^COPY --from=build /m);
  });

  it('runs as a fixed non-root user with state under the /var/lib/faultline volume', () => {
    const user = runtime.filter((i) => i.keyword === 'USER').pop();
    expect(user?.args).toMatch(/^[1-9]\d{3,}(:\d+)?$/);
    expect(runtime.find((i) => i.keyword === 'VOLUME')?.args).toContain('/var/lib/faultline');
    expect(runtime.find((i) => i.keyword === 'WORKDIR' && i.args === '/var/lib/faultline')).toBeDefined();
    expect(text).toMatch(/FAULTLINE_STATE_DIR=\/var\/lib\/faultline/);
  });

  it('checks health on /healthz with node itself (no curl in the image)', () => {
    const hc = runtime.find((i) => i.keyword === 'HEALTHCHECK');
    expect(hc?.args).toMatch(/CMD \["node", "-e", .*\/healthz/);
    expect(hc?.args).toMatch(/AbortSignal\.timeout/);
    expect(text.split('\n').filter((l) => !l.startsWith('#')).join('\n')).not.toMatch(/\bcurl\b|\bwget\b/);
  });

  it('starts the controller on all interfaces by default', () => {
    expect(runtime.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["faultline"]');
    expect(runtime.find((i) => i.keyword === 'CMD')?.args).toBe('["server", "--host", "0.0.0.0", "--port", "8080"]');
  });

  it('has a BuildKit ignore file that keeps local installs and builds out of the context', () => {
    const ignore = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile.dockerignore'), 'utf8').split('\n');
    for (const p of ['**/node_modules', '**/dist', '.git']) expect(ignore).toContain(p);
  });
});
