import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ProviderError, type CallContext } from '@faultline/core';
import { commentOf, splitRule } from '@faultline/netns';

/** The chains packet loss uses: INPUT for ingress, OUTPUT for egress. */
export type Chain = 'INPUT' | 'OUTPUT';

/** A rule in `iptables -S` form, split into arguments, without the leading `-A CHAIN`. */
export type RuleSpec = readonly string[];

/**
 * Runs iptables inside a container's network namespace with `nsenter -t <pid> -n`, using the host's
 * iptables binary (the container needs none). Requires root on the Docker host, in the host PID
 * namespace (for a containerised Faultline: `--pid=host --privileged`).
 */
export class NetnsIptables {
  constructor(private readonly opts: { nsenter?: string; iptables?: string } = {}) {}

  private async run(pid: number, args: readonly string[], ctx: Pick<CallContext, 'signal' | 'timeoutMs'>): Promise<string> {
    ctx.signal.throwIfAborted();
    if (!existsSync(`/proc/${pid}/ns/net`)) {
      throw new ProviderError(`process ${pid} (the container's init) is not visible from here, so its network namespace cannot be entered`, {
        hint: 'run Faultline on the Docker host as root (in a container: --pid=host --privileged)',
      });
    }
    const nsenter = this.opts.nsenter ?? 'nsenter';
    const iptables = this.opts.iptables ?? 'iptables';
    // -w: wait for the xtables lock instead of failing when Docker edits rules at the same moment.
    const argv = ['-t', String(pid), '-n', iptables, '-w', '5', ...args];
    return new Promise<string>((resolve, reject) => {
      execFile(nsenter, argv, { timeout: ctx.timeoutMs, signal: ctx.signal, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if (ctx.signal.aborted) return reject(ctx.signal.reason);
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        const command = `${nsenter} ${argv.join(' ')}`;
        if (e.code === 'ENOENT') {
          return reject(new ProviderError(`cannot run \`${command}\`: ${nsenter} is not installed`, {
            cause: err, hint: 'install util-linux (nsenter) and iptables on the Docker host: apt-get install util-linux iptables',
          }));
        }
        if (e.killed) {
          return reject(new ProviderError(`\`${command}\` did not finish within ${ctx.timeoutMs}ms`, { cause: err, retryable: true }));
        }
        reject(new NetnsCommandError(`\`${command}\` failed: ${String(stderr).trim() || e.message}`, String(stderr), err));
      });
    });
  }

  /** Rules of `chain` whose comment equals `comment`, in `-S` form without `-A CHAIN`. */
  async rulesWithComment(pid: number, chain: Chain, comment: string, ctx: Pick<CallContext, 'signal' | 'timeoutMs'>): Promise<RuleSpec[]> {
    return (await this.listRules(pid, chain, ctx)).filter((r) => commentOf(r) === comment);
  }

  /** All rules of `chain` that carry a comment, in `-S` form without `-A CHAIN`. */
  async listRules(pid: number, chain: Chain, ctx: Pick<CallContext, 'signal' | 'timeoutMs'>): Promise<RuleSpec[]> {
    const out = await this.run(pid, ['-S', chain], ctx);
    const rules: RuleSpec[] = [];
    for (const line of out.split('\n')) {
      const args = splitRule(line);
      if (args[0] !== '-A' || args[1] !== chain) continue;
      rules.push(args.slice(2));
    }
    return rules;
  }

  /** Inserts the rule at the top of the chain, so earlier ACCEPT rules cannot bypass it. */
  async insert(pid: number, chain: Chain, rule: RuleSpec, ctx: Pick<CallContext, 'signal' | 'timeoutMs'>): Promise<void> {
    await this.run(pid, ['-I', chain, '1', ...rule], ctx);
  }

  /** Deletes one rule given in `-S` form. A rule that is already gone is fine. */
  async delete(pid: number, chain: Chain, rule: RuleSpec, ctx: Pick<CallContext, 'signal' | 'timeoutMs'>): Promise<void> {
    try {
      await this.run(pid, ['-D', chain, ...rule], ctx);
    } catch (err) {
      if (err instanceof NetnsCommandError && /does a matching rule exist|Bad rule|No chain\/target\/match/i.test(err.stderr)) return;
      throw err;
    }
  }
}

/** iptables ran but refused; stderr says why. */
export class NetnsCommandError extends ProviderError {
  constructor(message: string, readonly stderr: string, cause: unknown) {
    super(message, { cause, hint: 'run Faultline as root on the Docker host; check that the kernel has the xt_statistic and xt_comment modules' });
  }
}

// One parser for `iptables -S` lines across the provider and @faultline/netns.
export { commentOf, splitRule };
