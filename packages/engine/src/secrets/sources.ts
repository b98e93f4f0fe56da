import { readFile } from 'node:fs/promises';
import { createSecretResolver, type SecretResolver, type SecretSource } from '@faultline/core';

/** `{ env: NAME }`: the variable of this process. An unset or empty variable cannot be resolved. */
export function envSecretSource(env: Readonly<Record<string, string | undefined>> = process.env): SecretSource {
  return {
    kind: 'env',
    async read(ref) {
      if (!('env' in ref)) throw new Error('not an env reference');
      const v = env[ref.env];
      if (v === undefined || v === '') throw new Error(`environment variable ${ref.env} is not set in this process`);
      return v;
    },
  };
}

/** `{ file: path }`: the file's content without one trailing newline (as Kubernetes mounts and `echo >` write it). */
export function fileSecretSource(): SecretSource {
  return {
    kind: 'file',
    async read(ref, signal) {
      if (!('file' in ref)) throw new Error('not a file reference');
      let text: string;
      try {
        text = await readFile(ref.file, { encoding: 'utf8', signal });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(code === 'ENOENT' ? `file ${ref.file} does not exist` : code === 'EACCES' ? `file ${ref.file} is not readable by this process` : `file ${ref.file} could not be read (${code ?? 'error'})`);
      }
      const v = text.replace(/\r?\n$/, '');
      if (v === '') throw new Error(`file ${ref.file} is empty`);
      return v;
    },
  };
}

/** env + file sources, plus any others (a Kubernetes Secret source from @faultline/faults-kubernetes). */
export function defaultSecretResolver(extra: readonly SecretSource[] = [], env: Readonly<Record<string, string | undefined>> = process.env): SecretResolver {
  return createSecretResolver([envSecretSource(env), fileSecretSource(), ...extra]);
}
