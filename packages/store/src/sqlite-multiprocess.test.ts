import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { runCreated } from './testing/events.js';

const worker = fileURLToPath(new URL('./testing/append-worker.ts', import.meta.url));

/** A worker process and its stdout lines, in order. */
function startWorker(args: string[]) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--conditions=@faultline/source', '--import', 'tsx', worker, ...args], {
    stdio: 'pipe',
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error(`worker exited early: ${stderr}`);
    return r.value;
  };
  const exited = once(child, 'exit').finally(() => clearTimeout(killer));
  return { child, nextLine, exited, stderr: () => stderr };
}

describe('SQLite shared by several processes (CLI + controller on one file)', () => {
  let dir: string | undefined;
  const children: ReturnType<typeof startWorker>[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.child.exitCode === null) c.child.kill('SIGKILL');
      await c.exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a brand-new file once and keeps seq unique and gap-free with three processes appending at once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-mp-'));
    const url = `sqlite:${join(dir, 'faultline.db')}`;
    children.push(startWorker([url, 'r000000000001', '25', 'a']), startWorker([url, 'r000000000001', '25', 'b']));
    for (const c of children) expect(await c.nextLine()).toBe('ready');
    // Start line: both children and this process open the not-yet-existing file together.
    for (const c of children) c.child.stdin.write('go\n');
    const store = await openStore(url);
    const mine: number[] = [(await store.append('r000000000001', runCreated('mp'))).seq];
    for (let i = 0; i < 25; i++) mine.push((await store.append('r000000000001', { type: 'note', message: `p-${i}` })).seq);
    const theirs = await Promise.all(children.map(async (c) => JSON.parse(await c.nextLine()) as number[]));
    const all = [...theirs.flat(), ...mine].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 78 }, (_, i) => i + 1));
    const events = await store.read('r000000000001');
    expect(events.map((e) => e.seq)).toEqual(all);
    expect(events.filter((e) => e.type === 'run-created')).toHaveLength(3);
    // Each writer's own events stay in its own order.
    for (const tag of ['a', 'b', 'p']) {
      const ordered = events.filter((e) => e.type === 'note' && e.message.startsWith(`${tag}-`)).map((e) => (e.type === 'note' ? e.message : ''));
      expect(ordered).toEqual(Array.from({ length: 25 }, (_, i) => `${tag}-${i}`));
    }
    expect((await store.getRun('r000000000001'))?.lastSeq).toBe(78);
    expect(await store.schemaVersion()).toBe('0003-gamedays');
    await store.close();
  });
});
