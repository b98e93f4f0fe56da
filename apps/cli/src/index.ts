export { main, VERSION } from './main.js';
export type { CliIo } from './io.js';
export { substituteEnv } from './load.js';
export { renderManifests, manifestObjects } from './manifests/index.js';
export { generatedKustomizeFiles } from './manifests/kustomize-files.js';
