import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const TEST_IMAGE = 'faultline/busybox:test';

/** Is there a Docker engine with the test image (built by scripts/docker-env.sh)? With CI=true, a missing one fails. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', TEST_IMAGE], { timeout: 5000 });
    return process.getuid?.() === 0;
  } catch (err) {
    if (process.env['CI'] === 'true') throw new Error(`netns tests need Docker with ${TEST_IMAGE} and root: ${String(err)}; run bash scripts/docker-env.sh start`);
    console.warn(`\n*** netns: no Docker engine / ${TEST_IMAGE} (or not root); real-namespace tests are SKIPPED ***\n`);
    return false;
  }
}

/** Containers and one bridge network for a test file, all labelled and removed by cleanup(). */
export class Containers {
  readonly suite = `nt${randomBytes(4).toString('hex')}`;
  private network: Promise<string> | undefined;

  net(): Promise<string> {
    const name = `${this.suite}-net`;
    this.network ??= run('docker', ['network', 'create', '--label', 'faultline.test=1', name], { timeout: 15_000 }).then(() => name);
    return this.network;
  }

  /** A busybox container serving httpd on :80; returns id, pid and address. */
  async start(name = randomBytes(3).toString('hex')): Promise<{ id: string; pid: number; ip: string; name: string }> {
    const net = await this.net();
    const full = `${this.suite}-${name}`;
    const { stdout } = await run('docker', ['run', '-d', '--name', full, '--label', 'faultline.test=1', '--label', `faultline.test.suite=${this.suite}`,
      '--network', net, TEST_IMAGE, 'sh', '-c', 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait'], { timeout: 30_000 });
    const id = stdout.trim();
    const info = await this.inspect(id);
    return { id, name: full, pid: info.pid, ip: info.ip };
  }

  async inspect(id: string): Promise<{ pid: number; ip: string; running: boolean }> {
    const { stdout } = await run('docker', ['inspect', '-f', `{{.State.Pid}} {{.State.Running}} {{(index .NetworkSettings.Networks "${await this.net()}").IPAddress}}`, id], { timeout: 10_000 });
    const [pid, running, ip] = stdout.trim().split(' ');
    return { pid: Number(pid), running: running === 'true', ip: ip ?? '' };
  }

  async docker(...args: string[]): Promise<string> {
    return (await run('docker', args, { timeout: 30_000 })).stdout;
  }

  async cleanup(): Promise<void> {
    const ids = (await this.docker('ps', '-aq', '--filter', `label=faultline.test.suite=${this.suite}`)).split('\n').filter(Boolean);
    if (ids.length) await this.docker('rm', '-f', '-v', ...ids);
    if (this.network) await this.docker('network', 'rm', await this.network).catch(() => undefined);
  }
}
