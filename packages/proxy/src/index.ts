export { startProxyServer, DEFAULT_API_PORT } from './server.js';
export type { ProxyServer, ProxyServerOptions } from './server.js';
export { ProxyCollection } from './collection.js';
export type { ProxyCollectionOptions, RestoredToxic } from './collection.js';
export { loadConfigFile } from './persistence/config-file.js';
export { readStateFile, writeStateFile } from './persistence/state-file.js';
export type { ProxyState } from './persistence/state-file.js';
export { getCertificateAuthorityPem, certVariants } from './tls/certificates.js';
export type { CertVariant } from './tls/certificates.js';
export { ProxyNotFoundError, ProxyConflictError, ProxyRequestError } from './errors.js';
export { toxicTypes } from './toxics/registry.js';
export { TOXIPROXY_API_VERSION } from './http/api-handler.js';
export { streamDirections } from './model.js';
export type {
  ProxyConfig, ProxyJson, ProxyPatch, StreamDirection, ToxicInput, ToxicJson, ToxicPatch, ToxicRemovalReason,
  ToxicRemovedEvent,
} from './model.js';
