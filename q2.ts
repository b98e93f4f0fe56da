import { readFileSync } from 'node:fs';
import { createRegistry } from '@faultline/core';
import { dockerPlugin } from '@faultline/faults-docker';
import { kubernetesPlugin } from '@faultline/faults-kubernetes';
import { toxiproxyPlugin } from '@faultline/faults-toxiproxy';
import { probesPlugin } from '@faultline/probes';
import { parseExperiment, validateWithSchema, parseDocuments, buildExperimentJsonSchema } from '@faultline/spec';
const registry = createRegistry([toxiproxyPlugin(), kubernetesPlugin(), dockerPlugin({}), probesPlugin()]);
console.log([...registry.faults.keys()].join(' '), '|', [...registry.resolvers.keys()].join(' '), '|', [...registry.probes.keys()].join(' '));
const text = readFileSync('experiments/quickstart.yaml', 'utf8');
const exp = parseExperiment(text, { file: 'quickstart.yaml', registry });
console.log('quickstart ok', exp.spec.durationMs);
const bad = text.replace('latency: 1200ms', 'latncy: 1200ms');
try { parseExperiment(bad, { file: 'quickstart.yaml', registry }); } catch (e) { console.log((e as Error).message); }
try { parseExperiment(text.replace('type: toxiproxy.latency', 'type: toxiproxy.latncy'), { file: 'quickstart.yaml', registry }); } catch (e) { console.log((e as Error).message); }
try { parseExperiment(text.replace('http: { url', 'http: { method: GETT, url'), { file: 'quickstart.yaml', registry }); } catch (e) { console.log((e as Error).message); }
const doc = parseDocuments(text.replace('${QUICKSTART_DURATION:-15s}', '15s'))[0]!;
console.log('editor schema issues on quickstart:', JSON.stringify(validateWithSchema(buildExperimentJsonSchema(registry), doc.value, doc)));
