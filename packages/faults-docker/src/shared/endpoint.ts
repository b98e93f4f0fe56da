import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { UsageError } from '@faultline/core';

/** Where the Docker engine is and how we describe it in messages (never including key material). */
export interface DockerEndpoint {
  readonly options: Dockerode.DockerOptions;
  /** `unix:///var/run/docker.sock`, `https://10.0.0.5:2376`: shown in errors so people know which engine failed. */
  readonly description: string;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * Explicit options win; otherwise DOCKER_HOST (`unix://`, `tcp://`), DOCKER_TLS_VERIFY and DOCKER_CERT_PATH
 * are read like the docker CLI reads them; otherwise the local socket.
 * Throws UsageError when DOCKER_HOST is malformed or the TLS files cannot be read.
 */
export function resolveEndpoint(explicit: Dockerode.DockerOptions | undefined, env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  if (explicit) return { options: explicit, description: describeOptions(explicit) };
  const host = env['DOCKER_HOST']?.trim();
  if (!host) return { options: { socketPath: DEFAULT_SOCKET }, description: `unix://${DEFAULT_SOCKET}` };
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length) || DEFAULT_SOCKET;
    return { options: { socketPath }, description: `unix://${socketPath}` };
  }
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch (cause) {
    throw new UsageError(`DOCKER_HOST="${host}" is not a Docker endpoint`, {
      cause,
      hint: 'use unix:///var/run/docker.sock or tcp://HOST:2376 (with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for TLS)',
    });
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`DOCKER_HOST="${host}" uses ${url.protocol}, which the docker faults do not support`, {
      hint: 'use unix://PATH or tcp://HOST:PORT; for ssh, forward the socket (ssh -L) and point DOCKER_HOST at it',
    });
  }
  const tls = env['DOCKER_TLS_VERIFY'] === '1' || url.protocol === 'https:' || url.port === '2376';
  const port = Number(url.port || (tls ? 2376 : 2375));
  const options: Dockerode.DockerOptions = { host: url.hostname, port, protocol: tls ? 'https' : 'http' };
  const certPath = env['DOCKER_CERT_PATH'];
  if (tls && certPath) {
    try {
      options.ca = readFileSync(join(certPath, 'ca.pem'));
      options.cert = readFileSync(join(certPath, 'cert.pem'));
      options.key = readFileSync(join(certPath, 'key.pem'));
    } catch (cause) {
      throw new UsageError(`cannot read the TLS files ca.pem, cert.pem, key.pem in DOCKER_CERT_PATH=${certPath}`, {
        cause,
        hint: 'point DOCKER_CERT_PATH at the directory `docker context inspect` shows, or unset DOCKER_TLS_VERIFY',
      });
    }
  }
  return { options, description: `${tls ? 'https' : 'http'}://${url.hostname}:${port}` };
}

function describeOptions(o: Dockerode.DockerOptions): string {
  if (o.socketPath) return `unix://${String(o.socketPath)}`;
  return `${o.protocol ?? 'http'}://${o.host ?? 'localhost'}:${o.port ?? 2375}`;
}
