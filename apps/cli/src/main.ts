import { Command, Option, InvalidArgumentError } from 'commander';
import type { CliIo } from './io.js';
import { addManifestsCommand } from './manifests/command.js';
import { addGamedayCommand } from './gameday/command.js';

// Start-up cost: this module is loaded for every command (and for --help), so it imports only commander
// and light local modules. Each command's implementation (and with it the engine, the controller, the
// proxy, Kubernetes, Docker, ...) is loaded by its action with `await import(...)` when that command
// runs. A test (lazy-loading.test.ts) checks that --help loads none of the heavy packages.

export const VERSION = '0.1.0';

/** Same value as USAGE_EXIT_CODE in @faultline/core (not imported here: --help must not load core). */
const USAGE_EXIT_CODE = 64;

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number, got "${v}"`);
  return n;
};

/**
 * The whole CLI as a function: parses argv, runs the command, returns the exit code.
 * Only bin.ts touches the real process; tests call main with their own io.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = new Command('faultline')
    .description('Chaos experiments that always clean up after themselves.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  const stateDir = new Option('--state-dir <dir>', 'where runs are journaled').default(io.env.FAULTLINE_STATE_DIR ?? '.faultline');
  const output = new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
  const runOutput = () => new Option('-o, --output <format>', 'table (people), json (one result document at the end) or jsonl (every journal event as it happens, then a result line)')
    .choices(['table', 'json', 'jsonl']).default('table');
  const kube = [new Option('--kubeconfig <file>', 'kubeconfig for Kubernetes targets (default: KUBECONFIG, in-cluster, ~/.kube/config)'), new Option('--context <name>', 'kubeconfig context')];

  program.command('run').argument('<file>', 'experiment file (YAML or JSON)')
    .description('run an experiment: steady state, inject, hold with guards, revert, verdict')
    .addOption(stateDir).addOption(runOutput()).addOption(kube[0]!).addOption(kube[1]!)
    .option('--dry-run', 'resolve targets and check limits; inject nothing')
    .option('--seed <n>', 'seed for random target selection (same seed, same targets)', int('--seed'))
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--report <file>', 'write a self-contained HTML report')
    .option('-v, --verbose', 'structured logs on stderr')
    .action(async (file: string, o) => { code = await (await import('./commands/run.js')).runCommand(io, file, o); });

  program.command('validate').argument('<files...>', 'experiment files')
    .description('check experiment files; errors name file, line, column and path')
    .addOption(output)
    .action(async (files: string[], o) => { code = await (await import('./commands/validate.js')).validateCommand(io, files, o); });

  program.command('plan').argument('<file>', 'experiment file')
    .description('print resolved targets, faults and blast-radius checks; no side effects (exit 2 if a limit fails)')
    .addOption(output).addOption(kube[0]!).addOption(kube[1]!)
    .option('--seed <n>', 'seed for random target selection', int('--seed'))
    .action(async (file: string, o) => { code = await (await import('./commands/plan.js')).planCommand(io, file, o); });

  program.command('recover')
    .description('revert every fault the local journal shows as possibly active; sweep tagged leftovers')
    .addOption(stateDir).addOption(output).addOption(kube[0]!).addOption(kube[1]!)
    .option('--force', 'also recover runs whose process still seems alive')
    .option('--sweep-unknown', 'also remove faultline-tagged artefacts of runs this journal does not know (only if no other Faultline uses the same backends)')
    .option('--forget <runId>', 'acknowledge a run whose backend is gone for good: journaled (forced, by whom, why), ends failed; needs --reason')
    .option('--reason <text>', 'why it is safe to forget the run (with --forget)')
    .option('--server <url>', 'with --forget: forget a run hosted by this controller (admin token; refused while its owner\'s lease is alive)')
    .option('--token <token>', 'API token for --server (or FAULTLINE_TOKEN)')
    .option('-v, --verbose', 'structured logs on stderr')
    .action(async (o) => { code = await (await import('./commands/recover.js')).recoverCommand(io, o); });

  program.command('proxy')
    .description('run the embedded Toxiproxy-compatible fault proxy')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'API port', int('--port'), 8474)
    .option('--config <file>', 'proxies to create at start (Toxiproxy -config format)')
    .option('--state <file>', 'persist proxies and toxics across restarts')
    .action(async (o) => { code = await (await import('./commands/proxy.js')).proxyCommand(io, o); });

  program.command('demo')
    .description('quick start: runs a real game day against the bundled demo shop behind the embedded proxy')
    .addOption(new Option('--variant <variant>', 'which storefront to test').choices(['fragile', 'resilient']).default('fragile'))
    .option('--duration <duration>', 'how long the fault is held', '15s')
    .addOption(stateDir)
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--gameday', 'run the example game day instead: fragile storefront, a gate, resilient storefront, one report')
    .option('-y, --yes', 'with --gameday: unattended, gates take their defaults')
    .option('--markdown <file>', 'with --gameday: write the Markdown report')
    .action(async (o) => { code = await (await import('./commands/demo.js')).demoCommand(io, o); });

  const database = new Option('--database <url>', 'store: a SQLite file path or postgres://… URL').default(io.env.FAULTLINE_DATABASE ?? '.faultline/faultline.db');
  program.command('server')
    .description('run the controller: REST API for CI, schedules, crash recovery')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port', int('--port'), 8080)
    .addOption(database)
    .option('--allow-host <host...>', 'hosts that probes, Toxiproxy APIs, http.call, notify webhooks and Grafana annotations in experiments may reach (default: any)')
    .option('--no-auth', 'no bearer tokens (loopback only; for local experiments)')
    .option('--kubernetes', 'enable Kubernetes faults and probes')
    .option('--docker', 'enable Docker faults and probes')
    .addOption(kube[0]!).addOption(kube[1]!)
    .addOption(new Option('--replica-id <id>', 'this replica\'s id, unique among live replicas on the store (default: hostname + random suffix)').env('FAULTLINE_REPLICA_ID'))
    .option('--owner-ttl <ms>', 'owner lease of each hosted run; another replica adopts and reverts the run when it is not renewed for this long', int('--owner-ttl'), 15_000)
    .option('--adopt-every <ms>', 'how often to look for runs whose owner stopped renewing', int('--adopt-every'), 5_000)
    .option('--rate-limit <n>', 'requests per minute per token (per address without one); 0 turns the limit off', int('--rate-limit'), 600)
    .option('--retention <age>', 'delete finished runs (and their journals) that ended longer ago than this, e.g. 90d; checked hourly by the scheduler leader; never active or revert-pending runs (default: keep forever)')
    .option('-v, --verbose', 'request and structured logs on stderr')
    .action(async (o) => { code = await (await import('./commands/server.js')).serverCommand(io, o); });

  const tokens = program.command('tokens').description('manage API tokens in the controller store');
  tokens.command('create').description('create a token; the secret is printed once')
    .requiredOption('--name <name>', 'who or what uses it, e.g. ci-pipeline')
    .option('--scopes <list>', 'read, run, admin (comma-separated)', 'read')
    .addOption(database).addOption(output)
    .action(async (o) => { code = await (await import('./commands/tokens.js')).tokensCommand(io, 'create', o); });
  tokens.command('list').description('list tokens (never their secrets)').addOption(database).addOption(output)
    .action(async (o) => { code = await (await import('./commands/tokens.js')).tokensCommand(io, 'list', o); });
  tokens.command('revoke').argument('<tokenId>').description('revoke a token').addOption(database)
    .action(async (id: string, o) => { code = await (await import('./commands/tokens.js')).tokensCommand(io, 'revoke', { ...o, id }); });

  const server = () => new Option('--server <url>', 'controller URL (or FAULTLINE_SERVER)');
  const tokenOpt = () => new Option('--token <token>', 'API token (or FAULTLINE_TOKEN)');
  program.command('submit').argument('<file>', 'experiment file')
    .description('start a run on a controller (idempotent per CI job); with --wait, stream it and exit with its verdict')
    .addOption(server()).addOption(tokenOpt()).addOption(runOutput())
    .option('--wait', 'stream progress until the verdict; exit code = verdict')
    .option('--timeout <duration>', 'with --wait: abort the run after this long', '15m')
    .option('--junit <file>', 'with --wait: write the JUnit report')
    .option('--report <file>', 'with --wait: write the HTML report')
    .option('--idempotency-key <key>', 'override the key derived from the CI job')
    .option('--label <key=value...>', 'labels for the run')
    .action(async (file: string, o) => { code = await (await import('./commands/remote.js')).submitCommand(io, file, o); });

  const runs = program.command('runs').description('runs on a controller');
  runs.command('list').description('newest first').addOption(server()).addOption(tokenOpt()).addOption(output)
    .option('--state <states>', 'comma-separated states').option('--experiment <name>').option('--label <k=v>')
    .option('--limit <n>', 'page size', int('--limit'), 20)
    .action(async (o) => { code = await (await import('./commands/remote.js')).runsCommand(io, 'list', o); });
  runs.command('show').argument('<runId>').addOption(server()).addOption(tokenOpt()).addOption(output)
    .action(async (runId: string, o) => { code = await (await import('./commands/remote.js')).runsCommand(io, 'show', { ...o, runId }); });
  runs.command('abort').argument('<runId>').description('abort a run (it reverts, then ends aborted)').addOption(server()).addOption(tokenOpt()).addOption(output)
    .option('--reason <text>')
    .action(async (runId: string, o) => { code = await (await import('./commands/remote.js')).runsCommand(io, 'abort', { ...o, runId }); });

  program.command('halt').description('global kill switch: abort every run (each reverts) and refuse new ones')
    .addOption(server()).addOption(tokenOpt()).addOption(output).option('--reason <text>', 'why (shown to everyone refused)')
    .action(async (o) => { code = await (await import('./commands/remote.js')).haltCommand(io, 'halt', o); });
  program.command('resume').description('lift the global halt').addOption(server()).addOption(tokenOpt()).addOption(output)
    .action(async (o) => { code = await (await import('./commands/remote.js')).haltCommand(io, 'resume', o); });

  program.command('report').argument('<runId>').description('a run report from the local journal or a controller')
    .addOption(new Option('--format <format>').choices(['json', 'junit', 'html']).default('html'))
    .option('--out <file>', 'write to a file instead of stdout')
    .addOption(server()).addOption(tokenOpt()).addOption(stateDir)
    .action(async (runId: string, o) => { code = await (await import('./commands/remote.js')).reportCommand(io, runId, o); });

  const schedules = program.command('schedules').description('scheduled experiments (business hours, calendars, time zones)');
  for (const [name, desc, arg] of [
    ['list', 'all schedules with their last decision', undefined],
    ['create', 'create from a `kind: Schedule` file', '<file>'],
    ['show', 'one schedule', '<name>'],
    ['preview', 'next fire times and why other slots are skipped (a local file works offline)', '<name|file>'],
    ['pause', 'pause (slots missed while paused never fire later)', '<name>'],
    ['resume', 'resume', '<name>'],
    ['delete', 'delete (history is kept)', '<name>'],
    ['history', 'fire decisions, newest first', '<name>'],
  ] as const) {
    const cmd = schedules.command(name).description(desc).addOption(server()).addOption(tokenOpt()).addOption(output);
    if (arg) cmd.argument(arg);
    if (name === 'preview') cmd.option('--from <date>', 'start (default now)').option('--to <date>', 'end (default from + 14 days)');
    if (name === 'preview' || name === 'history') cmd.option('--limit <n>', 'how many', int('--limit'));
    cmd.action(async (...args: unknown[]) => {
      const target = arg ? (args[0] as string) : undefined;
      const o = args[arg ? 1 : 0] as Record<string, unknown>;
      code = await (await import('./commands/schedules.js')).schedulesCommand(io, name, { ...o, ...(target ? { target } : {}) });
    });
  }

  addManifestsCommand(program, io, (c) => { code = c; });
  addGamedayCommand(program, io, (c) => { code = c; });

  program.command('schema')
    .description('print the JSON Schema of experiment files (for editors)')
    .action(async () => { code = await (await import('./commands/schema.js')).schemaCommand(io); });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    if (e.code?.startsWith('commander.')) return USAGE_EXIT_CODE;
    return (await import('./errors.js')).reportError(io, err);
  }
}
