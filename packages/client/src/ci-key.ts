import { createHash } from 'node:crypto';

/**
 * An Idempotency-Key derived from the CI job, so a retried job step re-attaches to its run instead of
 * starting a second one. Known CIs: GitHub Actions, GitLab CI, Jenkins, Buildkite, CircleCI.
 * Returns undefined outside CI (the client then uses a random key per submission).
 */
export function ciIdempotencyKey(env: NodeJS.ProcessEnv, content: string): string | undefined {
  const h = createHash('sha256').update(content).digest('hex').slice(0, 12);
  if (env.GITHUB_RUN_ID) return `gh-${env.GITHUB_REPOSITORY ?? ''}-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${env.GITHUB_JOB ?? ''}-${h}`;
  if (env.CI_JOB_ID && env.GITLAB_CI) return `gl-${env.CI_PROJECT_ID ?? ''}-${env.CI_JOB_ID}-${h}`;
  if (env.BUILDKITE_JOB_ID) return `bk-${env.BUILDKITE_JOB_ID}-${h}`;
  if (env.CIRCLE_WORKFLOW_JOB_ID) return `cc-${env.CIRCLE_WORKFLOW_JOB_ID}-${h}`;
  if (env.JENKINS_URL && env.BUILD_TAG) return `jk-${env.BUILD_TAG}-${h}`;
  return undefined;
}

/** Labels describing the CI job, attached to the run for filtering (`GET /v1/runs?label=ci.job=…`). */
export function ciLabels(env: NodeJS.ProcessEnv): Record<string, string> {
  const l: Record<string, string> = {};
  if (env.GITHUB_RUN_ID) Object.assign(l, { 'ci.system': 'github', 'ci.run': env.GITHUB_RUN_ID, ...(env.GITHUB_SHA ? { 'ci.commit': env.GITHUB_SHA.slice(0, 12) } : {}) });
  else if (env.GITLAB_CI) Object.assign(l, { 'ci.system': 'gitlab', ...(env.CI_JOB_ID ? { 'ci.job': env.CI_JOB_ID } : {}), ...(env.CI_COMMIT_SHA ? { 'ci.commit': env.CI_COMMIT_SHA.slice(0, 12) } : {}) });
  return l;
}
