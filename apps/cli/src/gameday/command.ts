import { Argument, Option, type Command } from 'commander';
import type { CliIo } from '../io.js';

/**
 * Adds `gameday` (run, resume, report, list, note) to the CLI program. main.ts wires it with
 * `addGamedayCommand(program, io, (c) => { code = c; })`. Each action imports its module when it runs.
 */
export function addGamedayCommand(program: Command, io: CliIo, setCode: (code: number) => void): Command {
  const stateDir = () => new Option('--state-dir <dir>', 'where days and runs are journaled').default(io.env.FAULTLINE_STATE_DIR ?? '.faultline');
  const kube = () => [new Option('--kubeconfig <file>', 'kubeconfig for Kubernetes targets'), new Option('--context <name>', 'kubeconfig context')] as const;
  const gameday = program.command('gameday').description('game days: a runbook of steps with a facilitator at the keyboard, one journal, one report');

  const [k1, k2] = kube();
  gameday.command('run').argument('<file>', 'a kind: GameDay file')
    .description('run a game day: keys n note, a abort step, s skip, h halt day, g/s/x answer a gate; without a TTY (or --yes) gates take their defaults')
    .addOption(stateDir()).addOption(k1).addOption(k2)
    .option('-y, --yes', 'unattended (rehearsal, CI): gates take their defaults, checklists are not waited for')
    .option('--start-at <time>', 'begin the steps at this time (ISO 8601 with a zone, e.g. 2026-03-01T09:30:00Z); notify heads-up goes out before')
    .option('--report <file>', 'write the HTML report when the day ends')
    .option('--markdown <file>', 'write the Markdown report when the day ends')
    .option('-v, --verbose', 'structured logs on stderr')
    .action(async (file: string, o) => { setCode(await (await import('./run-gameday.js')).gamedayRunCommand(io, file, o)); });

  const [r1, r2] = kube();
  gameday.command('resume').argument('[dayId]', 'the day (default: the unfinished day that started last)')
    .description('after a crash: revert the step that was in flight, show where the day stopped, then continue, retry that step or end the day')
    .addOption(stateDir()).addOption(r1).addOption(r2)
    .addOption(new Option('--decision <decision>', 'what to do without asking').choices(['continue', 'retry', 'end']))
    .option('-y, --yes', 'unattended: continue with the next step; gates take their defaults')
    .option('--force', 'resume even if the process that ran the day still seems alive')
    .option('--server <url>', 'resume a day of this controller (POST /v1/gamedays/:id/resume) instead of one in the state directory; needs --decision or --yes')
    .option('--token <token>', 'API token for --server (or FAULTLINE_TOKEN)')
    .option('--report <file>', 'write the HTML report when the day ends')
    .option('--markdown <file>', 'write the Markdown report when the day ends')
    .option('-v, --verbose', 'structured logs on stderr')
    .action(async (dayId: string | undefined, o) => { setCode(await (await import('./resume-gameday.js')).gamedayResumeCommand(io, dayId, o)); });

  for (const kind of ['rerun', 'clone'] as const) {
    const [c1, c2] = kube();
    const cmd = gameday.command(kind).argument('<dayId>', 'the past day')
      .description(kind === 'rerun'
        ? 'a new day from a past day\'s plan, starting at a step (default: its first failed, aborted or unrun step); earlier steps are journaled skipped'
        : 'a new day from a past day\'s plan (the same resolved experiments), every step again')
      .addOption(stateDir()).addOption(c1).addOption(c2)
      .option('-y, --yes', 'unattended: gates take their defaults, checklists are not waited for')
      .option('--server <url>', 'do it on this controller (POST /v1/gamedays/:id/' + kind + ') instead of from the state directory')
      .option('--token <token>', 'API token for --server (or FAULTLINE_TOKEN)')
      .option('--report <file>', 'write the HTML report when the day ends')
      .option('--markdown <file>', 'write the Markdown report when the day ends')
      .option('-v, --verbose', 'structured logs on stderr');
    if (kind === 'rerun') cmd.option('--from-step <n>', 'the step to start at (1-based)');
    cmd.action(async (dayId: string, o) => { setCode(await (await import('./rerun-gameday.js')).gamedayRerunCommand(io, kind, dayId, o)); });
  }

  gameday.command('report').argument('<dayIds...>', 'one day, or several to compare (days in start order, steps side by side)')
    .description('the day report: HTML (self-contained), Markdown for the retrospective, or JSON; several ids: one report across the days')
    .addOption(new Option('--format <format>').choices(['html', 'md', 'json']).default('html'))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--server <url>', 'days of this controller instead of the state directory')
    .option('--token <token>', 'API token for --server (or FAULTLINE_TOKEN)')
    .addOption(stateDir())
    .action(async (dayIds: string[], o) => { setCode(await (await import('./report-gameday.js')).gamedayReportCommand(io, dayIds, o)); });

  gameday.command('list').description('game days in the state directory, newest first')
    .addOption(stateDir()).addOption(new Option('-o, --output <format>').choices(['table', 'json']).default('table'))
    .action(async (o) => { setCode(await (await import('./list-gamedays.js')).gamedayListCommand(io, o)); });

  const server = () => new Option('--server <url>', 'controller URL (or FAULTLINE_SERVER)');
  const token = () => new Option('--token <token>', 'API token (or FAULTLINE_TOKEN)');
  gameday.command('note').argument('<dayId>').argument('<text>', 'the observation')
    .description('add an observation to a game day on a controller (any participant; timestamped, attached to the current step)')
    .addOption(server()).addOption(token())
    .action(async (dayId: string, text: string, o) => { setCode(await (await import('./remote-gameday.js')).gamedayNoteCommand(io, dayId, text, o)); });
  gameday.command('answer').argument('<dayId>').addArgument(new Argument('<answer>', 'the gate answer').choices(['go', 'skip', 'no-go']))
    .description('answer the waiting gate of a game day on a controller (needs a token with the run scope)')
    .addOption(server()).addOption(token()).option('--note <text>', 'why')
    .action(async (dayId: string, answer: string, o) => { setCode(await (await import('./remote-gameday.js')).gamedayAnswerCommand(io, dayId, answer, o)); });

  return gameday;
}
