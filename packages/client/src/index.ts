export { FaultlineClient } from './client.js';
export type { ClientOptions } from './client.js';
export { ApiError, errorFromResponse } from './errors.js';
export { ciIdempotencyKey, ciLabels } from './ci-key.js';
export type { ForgottenRunView, RunView, SubmitRunInput, RunListQuery, HaltView } from './types.js';
