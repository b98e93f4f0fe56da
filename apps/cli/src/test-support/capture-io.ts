import type { CliIo } from '../io.js';
import { main } from '../main.js';

/** A CliIo for in-process tests: stdout and stderr collected in `out`/`err`, no colours, no signal handlers. */
export function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const x = {
    out: '',
    err: '',
    stdout: { write: (s: string) => { x.out += s; return true; } },
    stderr: { write: (s: string) => { x.err += s; return true; } },
    env: { NO_COLOR: '1', ...env } as NodeJS.ProcessEnv,
    cwd,
    onSignal: () => () => undefined,
  };
  return x;
}

/** Runs the CLI in this process and returns its exit code and output. */
export async function runCliInProcess(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(cwd, env);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}
