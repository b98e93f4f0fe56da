// Writes deploy/kubernetes/agent/agent.yaml (the node agent DaemonSet) from apps/agent/src/manifests.
// Run: npx tsx --conditions=@faultline/source deploy/kubernetes/agent/generate.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentManifests } from '../../../apps/agent/src/manifests/daemonset.js';

const out = fileURLToPath(new URL('./agent.yaml', import.meta.url));
const header = [
  '# Generated from apps/agent/src/manifests/daemonset.ts; do not edit by hand.',
  '# Regenerate: npx tsx --conditions=@faultline/source deploy/kubernetes/agent/generate.ts',
  '# Before applying: faultline-agent pki --out tls --names "*.faultline-agent.faultline.svc,faultline-agent.faultline.svc"',
  '#   kubectl -n faultline create secret generic faultline-agent-tls --from-file=tls/ca.crt --from-file=tls/tls.crt --from-file=tls/tls.key',
  '# and give the controller tls/ca.crt, tls/controller.crt, tls/controller.key.',
].join('\n');
const docs = agentManifests({ namespace: 'faultline', image: 'ghcr.io/faultline/faultline-agent:latest' }).map((o) => JSON.stringify(o, null, 2));
writeFileSync(out, `${header}\n${docs.join('\n---\n')}\n`);
process.stdout.write(`wrote ${out}\n`);
