import { UsageError } from '@faultline/core';
import { openStore, tokenScopes, type TokenScope } from '@faultline/store';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';

/** `faultline tokens create|list|revoke`: manages API tokens directly in the controller's store. */
export async function tokensCommand(io: CliIo, action: 'create' | 'list' | 'revoke', opts: { database: string; name?: string; scopes?: string; id?: string; output?: string }): Promise<number> {
  const store = await openStore(opts.database);
  try {
    const p = palette(io);
    if (action === 'create') {
      if (!opts.name) throw new UsageError('give the token a name: --name ci-pipeline');
      const scopes = (opts.scopes ?? 'read').split(',').map((s) => s.trim());
      const bad = scopes.filter((s) => !(tokenScopes as readonly string[]).includes(s));
      if (bad.length) throw new UsageError(`unknown scope ${bad.join(', ')}; use ${tokenScopes.join(', ')} (admin > run > read)`);
      const { token, secret } = await store.createToken({ name: opts.name, scopes: scopes as TokenScope[] });
      if (opts.output === 'json') io.stdout.write(JSON.stringify({ ...token, secret }) + '\n');
      else io.stdout.write(`${secret}\n${p.dim(`token ${token.tokenId} "${token.name}" with scopes ${token.scopes.join(', ')} — shown once; store it as a CI secret (FAULTLINE_TOKEN)`)}\n`);
    } else if (action === 'list') {
      const tokens = await store.listTokens();
      if (opts.output === 'json') io.stdout.write(JSON.stringify(tokens, null, 2) + '\n');
      else for (const t of tokens) io.stdout.write(`${t.tokenId}  ${t.name.padEnd(24)} ${t.scopes.join(',').padEnd(16)} ${t.revokedAt ? p.red('revoked') : p.green('active')}  ${p.dim(`last used ${t.lastUsedAt ?? 'never'}`)}\n`);
    } else {
      if (!opts.id) throw new UsageError('which token? faultline tokens revoke <tokenId>');
      await store.revokeToken(opts.id);
      io.stdout.write(`revoked ${opts.id}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
