export { main, VERSION } from './main.js';
export type { CliIo } from './io.js';
export { substituteEnv } from './load.js';
