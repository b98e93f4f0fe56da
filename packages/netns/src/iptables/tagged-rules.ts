import { parseArtefactName } from '@faultline/core';
import { NetnsCommandError, type ExecContext, type NetnsExec } from '../exec/netns-exec.js';
import type { NetnsHandle } from '../locate/netns-handle.js';

export type Table = 'filter' | 'nat';

/** One iptables rule we add: table, chain and arguments (without -A/-I CHAIN); it carries our comment. */
export interface RuleSpec {
  readonly table: Table;
  readonly chain: string;
  readonly args: readonly string[];
}

/** A rule found in a namespace whose comment is a Faultline tag. */
export interface TaggedRule extends RuleSpec {
  readonly tag: string;
}

/**
 * Unreferenced chain that records which tag owns a qdisc: `-o <dev> -m comment --comment <tag> -j RETURN`.
 * Nothing jumps to it, so it never affects traffic; it lets a fresh process (or the sweep) find who
 * added the qdisc on a device, because qdiscs cannot carry a comment.
 */
export const LEDGER_CHAIN = 'FAULTLINE-LEDGER';

const GONE_RE = /does a matching rule exist|Bad rule|No chain\/target\/match|doesn't exist/i;

/** Splits one `iptables -S` line into arguments, honouring the double quotes iptables puts around comments. */
export function splitRule(line: string): string[] {
  const args: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] as string));
  return args;
}

/** The value of `--comment` in rule arguments. */
export function commentOf(args: readonly string[]): string | undefined {
  const i = args.indexOf('--comment');
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * iptables inside one namespace, for rules tagged `-m comment --comment faultline-<runId>-<fault>`.
 * `-w 5` waits for the xtables lock instead of failing when the runtime edits rules at the same moment.
 */
export class TaggedRules {
  /**
   * `batch` (default): each ensure/removeTag is one `nsenter sh -c` script per namespace (iptables -C || -I
   * for adds, one atomic `iptables-restore --noflush` for deletes) instead of one process per rule.
   * false: one nsenter + iptables process per command (the earlier way, kept for bench/agent's comparison).
   */
  constructor(private readonly exec: NetnsExec, private readonly iptables = 'iptables', readonly batch = true) {}

  get iptablesSave(): string {
    return `${this.iptables}-save`;
  }

  /** The hint every iptables failure carries. */
  static readonly HINT = 'needs root/NET_ADMIN and the kernel modules xt_comment, xt_statistic, xt_owner, xt_REDIRECT; check with `faultline agent --preflight`';

  /** Shell lines that add each rule not there yet (same order and positions as `ensure`). */
  ensureLines(rules: readonly RuleSpec[]): string[] {
    const ipt = `${this.iptables} -w 5`;
    const lines: string[] = [];
    if (rules.some((r) => r.chain === LEDGER_CHAIN)) lines.push(`${ipt} -t filter -N ${LEDGER_CHAIN} 2>/dev/null || ${ipt} -t filter -S ${LEDGER_CHAIN} >/dev/null`);
    for (const r of rules) {
      const args = r.args.map(shq).join(' ');
      const add = r.chain === LEDGER_CHAIN ? `-A ${shq(r.chain)}` : `-I ${shq(r.chain)} 1`;
      lines.push(`${ipt} -t ${r.table} -C ${shq(r.chain)} ${args} 2>/dev/null || ${ipt} -t ${r.table} ${add} ${args}`);
    }
    return lines;
  }

  /**
   * Shell lines deleting `rules` (as listed) in one atomic `iptables-restore --noflush` batch, and the
   * ledger chain when `dropLedger`. If anything changed since the listing the batch fails as a whole
   * and changes nothing; the caller's retry lists again (revert is idempotent).
   */
  removeLines(rules: readonly TaggedRule[], dropLedger: boolean): string[] {
    const byTable = new Map<string, string[]>();
    for (const r of rules) byTable.set(r.table, [...(byTable.get(r.table) ?? []), `-D ${r.chain} ${r.args.map(restoreQuote).join(' ')}`]);
    if (dropLedger) byTable.set('filter', [...(byTable.get('filter') ?? []), `-X ${LEDGER_CHAIN}`]);
    if (byTable.size === 0) return [];
    const body = [...byTable].flatMap(([table, lines]) => [`*${table}`, ...lines, 'COMMIT']);
    return [`${this.iptables}-restore -w 5 --noflush <<'FAULTLINE_EOF'`, ...body, 'FAULTLINE_EOF'];
  }

  /** Runs shell lines (set -e) in the namespace: one process start for the whole batch. */
  script(ns: NetnsHandle, lines: readonly string[], ctx: ExecContext, hint = TaggedRules.HINT): Promise<string> {
    return this.exec.run(ns, ['sh', '-c', ['set -e', ...lines].join('\n')], ctx, { hint });
  }

  private ipt(ns: NetnsHandle, args: readonly string[], ctx: ExecContext): Promise<string> {
    return this.exec.run(ns, [this.iptables, '-w', '5', ...args], ctx, {
      hint: 'needs root/NET_ADMIN and the kernel modules xt_comment, xt_statistic, xt_owner, xt_REDIRECT; check with `faultline agent --preflight`',
    });
  }

  /** Every rule in the namespace (filter and nat tables) whose comment parses as a Faultline tag; one `iptables-save` call. */
  async list(ns: NetnsHandle, ctx: ExecContext): Promise<TaggedRule[]> {
    const text = await this.exec.run(ns, [`${this.iptables}-save`], ctx, { hint: 'install iptables (iptables-save) on the node / in the agent image' });
    return parseTaggedRules(text);
  }

  /** True when exactly this rule is present (`iptables -C`). */
  async has(ns: NetnsHandle, r: RuleSpec, ctx: ExecContext): Promise<boolean> {
    try {
      await this.ipt(ns, ['-t', r.table, '-C', r.chain, ...r.args], ctx);
      return true;
    } catch (err) {
      if (err instanceof NetnsCommandError && GONE_RE.test(err.stderr)) return false;
      throw err;
    }
  }

  /** Adds each rule that is not there yet, at the top of its chain (so earlier ACCEPTs cannot bypass it). Idempotent. */
  async ensure(ns: NetnsHandle, rules: readonly RuleSpec[], ctx: ExecContext): Promise<void> {
    if (this.batch) {
      if (rules.length) await this.script(ns, this.ensureLines(rules), ctx);
      return;
    }
    for (const r of rules) {
      if (r.chain === LEDGER_CHAIN) await this.ensureLedgerChain(ns, ctx);
      if (!(await this.has(ns, r, ctx))) await this.ipt(ns, ['-t', r.table, r.chain === LEDGER_CHAIN ? '-A' : '-I', r.chain, ...(r.chain === LEDGER_CHAIN ? [] : ['1']), ...r.args], ctx);
    }
  }

  /** Deletes every rule carrying `tag` (any table, any chain); drops the ledger chain once empty. Idempotent. */
  async removeTag(ns: NetnsHandle, tag: string, ctx: ExecContext): Promise<number> {
    if (this.batch) {
      const text = await this.exec.run(ns, [`${this.iptables}-save`], ctx, { hint: 'install iptables (iptables-save) on the node / in the agent image' });
      const { mine, dropLedger } = tagState(text, tag);
      const lines = this.removeLines(mine, dropLedger);
      if (lines.length) await this.script(ns, lines, ctx);
      return mine.length;
    }
    let removed = 0;
    for (const r of await this.list(ns, ctx)) {
      if (r.tag !== tag) continue;
      await this.delete(ns, r, ctx);
      removed++;
    }
    await this.dropLedgerChainIfEmpty(ns, ctx);
    return removed;
  }

  async delete(ns: NetnsHandle, r: RuleSpec, ctx: ExecContext): Promise<void> {
    try {
      await this.ipt(ns, ['-t', r.table, '-D', r.chain, ...r.args], ctx);
    } catch (err) {
      if (err instanceof NetnsCommandError && GONE_RE.test(err.stderr)) return;
      throw err;
    }
  }

  private async ensureLedgerChain(ns: NetnsHandle, ctx: ExecContext): Promise<void> {
    try {
      await this.ipt(ns, ['-t', 'filter', '-N', LEDGER_CHAIN], ctx);
    } catch (err) {
      if (err instanceof NetnsCommandError && /already exists/i.test(err.stderr)) return;
      throw err;
    }
  }

  private async dropLedgerChainIfEmpty(ns: NetnsHandle, ctx: ExecContext): Promise<void> {
    const text = await this.ipt(ns, ['-t', 'filter', '-S'], ctx);
    const lines = text.split('\n');
    if (!lines.includes(`-N ${LEDGER_CHAIN}`)) return;
    if (lines.some((l) => l.startsWith(`-A ${LEDGER_CHAIN} `))) return;
    try {
      await this.ipt(ns, ['-t', 'filter', '-X', LEDGER_CHAIN], ctx);
    } catch (err) {
      // Another fault added an entry between our listing and -X: it keeps the chain.
      if (err instanceof NetnsCommandError && /not empty|Directory not empty|in use|No chain/i.test(err.stderr)) return;
      throw err;
    }
  }
}

/** The ledger entry that says `tag` owns the Faultline qdisc on `dev`. */
export function ledgerRule(dev: string, tag: string): RuleSpec {
  return { table: 'filter', chain: LEDGER_CHAIN, args: ['-o', dev, '-m', 'comment', '--comment', tag, '-j', 'RETURN'] };
}

/** `dev` of a ledger entry. */
export function ledgerDevice(r: RuleSpec): string | undefined {
  const i = r.args.indexOf('-o');
  return i >= 0 ? r.args[i + 1] : undefined;
}

/** Tagged rules of the filter and nat tables in `iptables-save` output. */
export function parseTaggedRules(text: string): TaggedRule[] {
  const out: TaggedRule[] = [];
  let table: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    if (table !== 'filter' && table !== 'nat') continue;
    const parts = splitRule(line);
    if (parts[0] !== '-A' || parts[1] === undefined) continue;
    const args = parts.slice(2);
    const tag = commentOf(args);
    if (tag && parseArtefactName(tag)) out.push({ table, chain: parts[1], args, tag });
  }
  return out;
}

/** Quotes one argument for a POSIX shell. */
export function shq(a: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** Quotes one argument the way iptables-save does (double quotes when it has spaces or quotes). */
function restoreQuote(a: string): string {
  return /^[^\s"'\\]+$/.test(a) ? a : `"${a.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * From `iptables-save` output: the rules `tag` owns, and whether the ledger chain exists and holds
 * nothing but this tag's entries (so deleting them leaves it empty and it can go in the same batch).
 */
export function tagState(saveText: string, tag: string): { mine: TaggedRule[]; dropLedger: boolean } {
  const all = parseTaggedRules(saveText);
  const mine = all.filter((r) => r.tag === tag);
  const ledgerExists = saveText.split('\n').some((l) => l.startsWith(`:${LEDGER_CHAIN} `));
  const ledgerLines = saveText.split('\n').filter((l) => l.startsWith(`-A ${LEDGER_CHAIN} `)).length;
  const mineInLedger = mine.filter((r) => r.chain === LEDGER_CHAIN).length;
  return { mine, dropLedger: ledgerExists && mineInLedger > 0 && ledgerLines === mineInLedger };
}
