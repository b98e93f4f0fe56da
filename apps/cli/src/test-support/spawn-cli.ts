import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const distBin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
// `npm test` builds first and sets FAULTLINE_CLI_DIST=1: the compiled CLI starts several times faster than tsx.
const argvFor = (args: string[]) => (process.env.FAULTLINE_CLI_DIST === '1' ? [distBin, ...args] : ['--conditions=@faultline/source', '--import', 'tsx', bin, ...args]);

export interface CliProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line that satisfies `pred` (JSON lines with --output json). */
  waitForLine(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exit: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** Runs the CLI from source as a real child process (its own PID, real signals). */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, argvFor(args), {
    cwd: opts.cwd ?? root,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ pred: (l: string) => boolean; resolve: (l: string) => void }> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    out += line + '\n';
    for (const w of [...waiters]) {
      if (w.pred(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr!.on('data', (d) => (err += String(d)));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exit,
    stdout: () => out,
    stderr: () => err,
    waitForLine(pred, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs}ms; stdout so far:\n${out}\nstderr:\n${err}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => { clearTimeout(t); resolve(l); } });
        void exit.then(() => { clearTimeout(t); reject(new Error(`CLI exited before the line appeared; stdout:\n${out}\nstderr:\n${err}`)); });
      });
    },
  };
}
