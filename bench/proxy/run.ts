/**
 * Embedded proxy benchmark: throughput, small round-trip latency and connection rate, each
 * direct vs through the proxy (no toxics), printed side by side. The proxy runs in a child
 * process (as a real deployment would); bounded (55 s plus 20 s per extra round). BENCH_PROXY_QUICK=1 prints
 * only the throughput rows.
 *
 *   npx tsc -b packages/proxy && npx tsx bench/proxy/run.ts
 *
 * BENCH_PROXY_ROUNDS=N (default 3) sets the alternating throughput rounds. BENCH_PROXY_COMPARE=path
 * to another build's dist/index.js (e.g. a copy of main's) also runs that proxy in a second child and
 * alternates it into the throughput rounds, so before/after share the machine's load.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const THROUGHPUT_BYTES = 64 * 1024 * 1024; // 64 MiB per run
const ROUNDS = Math.max(1, Number(process.env['BENCH_PROXY_ROUNDS'] ?? 3) || 3);
const COMPARE = process.env['BENCH_PROXY_COMPARE'];
const DEADLINE_SECONDS = 55 + ROUNDS * 20;
const ROUND_TRIPS = 3_000;
const CONNECT_SECONDS = 2;
const CONNECT_CONCURRENCY = 32;

if (process.argv[2] === '--serve-proxy') {
  const entry = process.argv[3];
  const { startProxyServer } = (entry ? await import(entry) : await import('@faultline/proxy')) as typeof import('@faultline/proxy');
  const server = await startProxyServer({ port: 0 });
  process.send?.({ url: server.url });
  // CPU the proxy process spent, asked for around each throughput run: on a loaded machine wall-clock
  // swings with scheduling, CPU per byte much less.
  process.on('message', (m) => {
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMicros: user + system });
    }
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error(`benchmark exceeded ${DEADLINE_SECONDS} s; aborting`);
    process.exit(1);
  }, DEADLINE_SECONDS * 1000);
  const serve = (entry?: string): ChildProcess =>
    fork(fileURLToPath(import.meta.url), ['--serve-proxy', ...(entry ? [entry] : [])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const child = serve();
  const compareChild = COMPARE ? serve(COMPARE) : undefined;
  try {
    const [{ url }] = (await once(child, 'message')) as [{ url: string }];
    const compareUrl = compareChild ? ((await once(compareChild, 'message')) as [{ url: string }])[0].url : undefined;
    const sink = await listen((s) => s.resume());
    const source = await listen((s) => {
      s.on('error', () => undefined);
      writeForever(s);
    });
    const echo = await listen((s) => s.pipe(s));
    const accept = await listen((s) => s.end());
    const proxied = async (name: string, upstream: Server, api = url): Promise<number> => {
      const res = await fetch(`${api}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${port(upstream)}` }),
        signal: AbortSignal.timeout(5_000),
      });
      const json = (await res.json()) as { listen: string };
      return Number(json.listen.split(':')[1]);
    };
    const rows: [string, number, number, string][] = [];

    // Direct and proxied alternate, ROUNDS times each, and the medians are compared: on a shared
    // machine the load changes from second to second, and back-to-back runs would blame it on one side.
    const sinkPort = await proxied('sink', sink);
    const sourcePort = await proxied('source', source);
    const compareSinkPort = compareUrl ? await proxied('sink', sink, compareUrl) : undefined;
    const compareSourcePort = compareUrl ? await proxied('source', source, compareUrl) : undefined;
    const up = { direct: [] as number[], proxied: [] as number[], compare: [] as number[] };
    const down = { direct: [] as number[], proxied: [] as number[], compare: [] as number[] };
    const cpu = { proxied: [] as number[], compare: [] as number[] };
    /** Runs `run` and records the proxy process's CPU ms per 64 MiB moved. */
    const withCpu = async (proc: ChildProcess, into: number[], run: () => Promise<number>): Promise<number> => {
      const before = await cpuMicros(proc);
      const mbps = await run();
      into.push((await cpuMicros(proc)) - before);
      return mbps;
    };
    for (let round = 0; round < ROUNDS; round++) {
      up.direct.push(await uploadMBps(port(sink)));
      up.proxied.push(await withCpu(child, cpu.proxied, () => uploadMBps(sinkPort)));
      if (compareSinkPort && compareChild) up.compare.push(await withCpu(compareChild, cpu.compare, () => uploadMBps(compareSinkPort)));
      down.direct.push(await downloadMBps(port(source)));
      down.proxied.push(await withCpu(child, cpu.proxied, () => downloadMBps(sourcePort)));
      if (compareSourcePort && compareChild) down.compare.push(await withCpu(compareChild, cpu.compare, () => downloadMBps(compareSourcePort)));
    }
    const cpuMs = (xs: number[]): string => `${(median(xs) / 1000).toFixed(0)} ms`;
    console.log(`proxy process CPU per ${THROUGHPUT_BYTES / 1024 / 1024} MiB (median of both directions' runs): this ${cpuMs(cpu.proxied)}${COMPARE ? ` | compare ${cpuMs(cpu.compare)}` : ''}`);
    rows.push(['throughput client->server (MB/s)', median(up.direct), median(up.proxied), `median of ${ROUNDS} alternating runs`]);
    rows.push(['throughput server->client (MB/s)', median(down.direct), median(down.proxied), `median of ${ROUNDS} alternating runs`]);
    if (compareUrl) {
      rows.push(['  compare build, client->server', median(up.direct), median(up.compare), 'BENCH_PROXY_COMPARE, same rounds']);
      rows.push(['  compare build, server->client', median(down.direct), median(down.compare), 'BENCH_PROXY_COMPARE, same rounds']);
      const ratios = (xs: number[], ds: number[]): string => xs.map((x, i) => (x / (ds[i] ?? 1)).toFixed(2)).join(' ');
      console.log(`per-round ratio to direct, client->server: this ${ratios(up.proxied, up.direct)} | compare ${ratios(up.compare, up.direct)}`);
      console.log(`per-round ratio to direct, server->client: this ${ratios(down.proxied, down.direct)} | compare ${ratios(down.compare, down.direct)}`);
    }
    if (process.env['BENCH_PROXY_QUICK'] === '1') {
      print(rows);
      console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${cpus().length} cores)`);
      for (const s of [sink, source, echo, accept]) s.close();
      return;
    }

    const latDirect = await roundTrips(port(echo));
    const latProxied = await roundTrips(await proxied('echo', echo));
    rows.push(['round trip p50 (µs), 64 B', latDirect.p50, latProxied.p50, `added ${(latProxied.p50 - latDirect.p50).toFixed(0)} µs`]);
    rows.push(['round trip p99 (µs), 64 B', latDirect.p99, latProxied.p99, `added ${(latProxied.p99 - latDirect.p99).toFixed(0)} µs`]);

    const cpsDirect = await connectionsPerSecond(port(accept));
    const cpsProxied = await connectionsPerSecond(await proxied('accept', accept));
    rows.push(['connections per second', cpsDirect, cpsProxied, 'connect + close']);

    print(rows);
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${cpus().length} cores)`);
    for (const s of [sink, source, echo, accept]) s.close();
  } finally {
    clearTimeout(deadline);
    stop(child);
    if (compareChild) stop(compareChild);
  }
}

async function cpuMicros(proc: ChildProcess): Promise<number> {
  const reply = once(proc, 'message') as Promise<[{ cpuMicros: number }]>;
  proc.send('cpu');
  return (await reply)[0].cpuMicros;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function stop(child: ChildProcess): void {
  if (child.connected) child.disconnect();
  setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
}

async function listen(onSocket: (s: Socket) => void): Promise<Server> {
  const server = createServer({ noDelay: true }, (s) => {
    s.on('error', () => undefined);
    onSocket(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function open(p: number): Promise<Socket> {
  const s = connect({ port: p, host: '127.0.0.1', noDelay: true });
  await once(s, 'connect');
  return s;
}

function writeForever(s: Socket): void {
  const chunk = Buffer.alloc(256 * 1024, 7);
  const pump = (): void => {
    while (!s.destroyed && s.write(chunk));
  };
  s.on('drain', pump);
  pump();
}

async function uploadMBps(p: number): Promise<number> {
  const s = await open(p);
  const chunk = Buffer.alloc(256 * 1024, 1);
  const start = performance.now();
  let sent = 0;
  while (sent < THROUGHPUT_BYTES) {
    sent += chunk.length;
    if (!s.write(chunk)) await once(s, 'drain');
  }
  s.end();
  await once(s, 'close');
  return sent / 1e6 / ((performance.now() - start) / 1000);
}

async function downloadMBps(p: number): Promise<number> {
  const s = await open(p);
  const start = performance.now();
  let got = 0;
  await new Promise<void>((resolve) => {
    s.on('data', (c: Buffer) => {
      got += c.length;
      if (got >= THROUGHPUT_BYTES) {
        s.destroy();
        resolve();
      }
    });
  });
  return got / 1e6 / ((performance.now() - start) / 1000);
}

async function roundTrips(p: number): Promise<{ p50: number; p99: number }> {
  const s = await open(p);
  const msg = Buffer.alloc(64, 5);
  const samples: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const start = performance.now();
    const done = new Promise<void>((resolve) => {
      let got = 0;
      const onData = (c: Buffer): void => {
        got += c.length;
        if (got >= msg.length) {
          s.off('data', onData);
          resolve();
        }
      };
      s.on('data', onData);
    });
    s.write(msg);
    await done;
    samples.push((performance.now() - start) * 1000);
  }
  s.destroy();
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)] ?? 0, p99: samples[Math.floor(samples.length * 0.99)] ?? 0 };
}

async function connectionsPerSecond(p: number): Promise<number> {
  const end = performance.now() + CONNECT_SECONDS * 1000;
  let count = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const s = await open(p);
      s.resume();
      s.end();
      await once(s, 'close');
      count++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  return count / ((performance.now() - start) / 1000);
}

function print(rows: [string, number, number, string][]): void {
  const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const header = ['metric', 'direct', 'proxied', 'proxied/direct', 'note'];
  const body = rows.map(([name, d, p, note]) => [name, fmt(d), fmt(p), (p / d).toFixed(2), note]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
}
