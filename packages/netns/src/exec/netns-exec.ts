import { execFile } from 'node:child_process';
import { ProviderError, type CallContext } from '@faultline/core';
import { hostProc, refreshHandle, type NetnsHandle, type ProcFs } from '../locate/netns-handle.js';

export type ExecContext = Pick<CallContext, 'signal' | 'timeoutMs'>;

/** A command inside the namespace ran but failed; stderr says why. */
export class NetnsCommandError extends ProviderError {
  constructor(message: string, readonly stderr: string, cause: unknown, hint?: string) {
    super(message, { cause, hint: hint ?? 'run as root in the host PID namespace (the agent DaemonSet sets hostPID and NET_ADMIN)' });
  }
}

/** The namespace has no process left: it is gone, and with it every rule and qdisc it held. */
export class NetnsGoneError extends ProviderError {
  constructor(readonly inode: number) {
    super(`network namespace net:[${inode}] has no process left; it no longer exists`, {
      hint: 'nothing to revert there: rules and qdiscs vanish with their namespace',
    });
  }
}

/**
 * Runs host binaries (iptables, tc, ip) inside a network namespace with
 * `nsenter --net=/proc/PID/ns/net`. Only the network namespace is entered, so the host's binaries
 * and files are used and the container needs none. Each call re-checks that PID is still in the
 * namespace (the inode is the key; a pid can exit and be reused).
 */
export class NetnsExec {
  constructor(private readonly opts: { nsenter?: string; proc?: ProcFs } = {}) {}

  get proc(): ProcFs {
    return this.opts.proc ?? hostProc;
  }

  /** The handle, re-resolved if its pid left; throws NetnsGoneError when the namespace is gone. */
  resolve(ns: NetnsHandle): NetnsHandle {
    const now = refreshHandle(ns, this.proc);
    if (!now) throw new NetnsGoneError(ns.inode);
    return now;
  }

  /** argv for running `command` in the namespace, for spawn(). */
  argv(ns: NetnsHandle, command: readonly string[]): { file: string; args: string[] } {
    const h = this.resolve(ns);
    return { file: this.opts.nsenter ?? 'nsenter', args: [`--net=${this.proc.root}/${h.pid}/ns/net`, '--', ...command] };
  }

  /** Runs `command` in the namespace; resolves stdout. */
  run(ns: NetnsHandle, command: readonly string[], ctx: ExecContext, opts: { hint?: string } = {}): Promise<string> {
    ctx.signal.throwIfAborted();
    const { file, args } = this.argv(ns, command);
    const shown = `${command.join(' ')} (in net:[${ns.inode}])`;
    return new Promise<string>((resolve, reject) => {
      execFile(file, args, { timeout: ctx.timeoutMs, signal: ctx.signal, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if (ctx.signal.aborted) return reject(ctx.signal.reason);
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT') {
          return reject(new ProviderError(`cannot run \`${file}\`: it is not installed`, {
            cause: err, hint: 'install util-linux (nsenter), iptables and iproute2 (tc, ip) on the node / in the agent image',
          }));
        }
        if (e.killed) return reject(new ProviderError(`\`${shown}\` did not finish within ${ctx.timeoutMs}ms`, { cause: err, retryable: true }));
        reject(new NetnsCommandError(`\`${shown}\` failed: ${String(stderr).trim() || e.message}`, String(stderr), err, opts.hint));
      });
    });
  }
}
