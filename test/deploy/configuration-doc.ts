// Generates the command reference in docs/configuration.md from the CLI's own commander program
// (`faultline <command> --help` for every command), so the doc cannot drift from the code.
//   npx tsx --conditions=@faultline/source test/deploy/configuration-doc.ts --write
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type CliIo } from '@faultline/cli';

export const docPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'configuration.md');
export const BEGIN = '<!-- BEGIN GENERATED: faultline --help (regenerate: npx tsx --conditions=@faultline/source test/deploy/configuration-doc.ts --write) -->';
export const END = '<!-- END GENERATED -->';

async function helpText(argv: string[]): Promise<string> {
  let out = '';
  // No environment: defaults that read FAULTLINE_* must show their built-in values.
  const io: CliIo = { stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { out += s; } }, env: {}, cwd: '.', onSignal: () => () => undefined };
  // Commander wraps help to the terminal width; pin it so the doc is the same everywhere.
  const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
  try {
    const code = await main([...argv, '--help'], io);
    if (code !== 0) throw new Error(`faultline ${argv.join(' ')} --help exited ${code}: ${out}`);
  } finally {
    if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  }
  return out.trimEnd();
}

function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return section.split('\n').map((l) => /^ {2}([a-z][a-z-]*)/.exec(l)?.[1]).filter((c): c is string => !!c && c !== 'help');
}

/** The generated section: every command's help, sub-commands included. */
export async function renderCommandReference(): Promise<string> {
  const parts: string[] = [BEGIN, '', '### faultline', '', '```text', await helpText([]), '```'];
  const visit = async (path: string[]) => {
    const text = await helpText(path);
    parts.push('', `### faultline ${path.join(' ')}`, '', '```text', text, '```');
    for (const sub of commandsOf(text)) await visit([...path, sub]);
  };
  for (const c of commandsOf(await helpText([]))) await visit([c]);
  parts.push('', END);
  return parts.join('\n');
}

/** The doc with its generated section replaced by the current one. */
export async function updatedDoc(current: string): Promise<string> {
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${docPath} lacks the generated-section markers`);
  return current.slice(0, start) + (await renderCommandReference()) + current.slice(end + END.length);
}

if (process.argv.includes('--write')) {
  writeFileSync(docPath, await updatedDoc(readFileSync(docPath, 'utf8')));
  process.stdout.write(`updated ${docPath}\n`);
}
