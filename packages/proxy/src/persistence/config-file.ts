import { readFile } from 'node:fs/promises';
import { UsageError } from '@faultline/core/errors';
import type { ProxyConfig } from '../model.js';
import { validateProxyConfigs } from '../validate.js';

/**
 * Reads a Toxiproxy config file (`toxiproxy-server -config`): a JSON array of
 * `{name, listen, upstream, enabled?}`; `toxics` per proxy is an extension.
 * Throws UsageError naming the file and the problem.
 */
export async function loadConfigFile(path: string): Promise<ProxyConfig[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read proxy config ${path}: ${(err as Error).message}`, { cause: err, hint: 'check the --config path' });
  }
  try {
    return validateProxyConfigs(JSON.parse(text));
  } catch (err) {
    throw new UsageError(`proxy config ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'expected a JSON array like [{"name": "redis", "listen": "127.0.0.1:26379", "upstream": "127.0.0.1:6379"}]',
    });
  }
}
