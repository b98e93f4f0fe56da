/**
 * The measuring script node runs INSIDE a namespace (`node -e`), as plain JavaScript. It reads one
 * JSON job from argv and prints one JSON result line. Kept free of imports beyond node: so it runs
 * from any working directory, with any Node >= 20.
 */
export const PROBE_SCRIPT = String.raw`
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const job = JSON.parse(process.argv[1]);
const out = (o) => { process.stdout.write(JSON.stringify(o) + '\n'); };
function connectOnce(host, port, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = net.connect({ host, port });
    const done = (ok, err) => { clearTimeout(timer); s.destroy(); resolve({ ok, ms: performance.now() - t0, err }); };
    const timer = setTimeout(() => done(false, 'timeout'), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', (e) => done(job.refusedIsAnswer === true && e.code === 'ECONNREFUSED', e.code));
  });
}
function requestOnce(host, port, payload, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let connectMs;
    const s = net.connect({ host, port });
    s.setNoDelay(true);
    const done = (ok, err) => { clearTimeout(timer); s.destroy(); resolve({ ok, connectMs, exchangeMs: ok ? performance.now() - t0 - connectMs : undefined, err }); };
    const timer = setTimeout(() => done(false, connectMs === undefined ? 'connect-timeout' : 'answer-timeout'), timeoutMs);
    s.once('connect', () => { connectMs = performance.now() - t0; s.write(payload); });
    s.once('data', () => done(true));
    s.once('end', () => done(connectMs !== undefined));
    s.once('error', (e) => done(false, e.code));
  });
}
async function main() {
  if (job.kind === 'connect') {
    const samples = [];
    let next = 0;
    const lane = async () => { while (next < job.count) { next++; samples.push(await connectOnce(job.host, job.port, job.timeoutMs)); } };
    await Promise.all(Array.from({ length: Math.max(1, job.concurrency || 1) }, lane));
    return out({ samples });
  }
  if (job.kind === 'request-rtt') {
    const samples = [];
    for (let i = 0; i < job.count; i++) samples.push(await requestOnce(job.host, job.port, job.payload, job.timeoutMs));
    return out({ samples });
  }
  if (job.kind === 'echo-rtt') {
    const s = net.connect({ host: job.host, port: job.port });
    s.setNoDelay(true);
    await new Promise((res, rej) => { s.once('connect', res); s.once('error', rej); });
    const rtts = [];
    for (let i = 0; i < job.count; i++) {
      const t0 = performance.now();
      await new Promise((res) => { s.once('data', res); s.write('x'); });
      rtts.push(performance.now() - t0);
    }
    s.destroy();
    return out({ rtts });
  }
  if (job.kind === 'echo-server') {
    const srv = net.createServer((c) => { c.setNoDelay(true); c.on('data', (d) => c.write(d)); c.on('error', () => {}); });
    srv.listen(job.port, '0.0.0.0', () => out({ listening: srv.address().port }));
    return;
  }
  if (job.kind === 'sink') {
    const srv = net.createServer((c) => {
      let bytes = 0, tStart = 0, tLast = 0;
      c.on('data', (d) => { const now = performance.now(); if (bytes >= job.skipBytes && tStart === 0) tStart = now; bytes += d.length; tLast = now; });
      c.on('end', () => {
        const measured = bytes - job.skipBytes;
        out({ bytes, bytesPerSec: measured / ((tLast - tStart) / 1000) });
        srv.close();
        c.end();
      });
    });
    srv.listen(job.port, '0.0.0.0', () => out({ listening: srv.address().port }));
    return;
  }
  if (job.kind === 'send') {
    const s = net.connect({ host: job.host, port: job.port });
    await new Promise((res, rej) => { s.once('connect', res); s.once('error', rej); });
    const chunk = Buffer.alloc(16384, 120);
    let left = job.bytes;
    const t0 = performance.now();
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) await new Promise((res) => s.once('drain', res));
    }
    await new Promise((res) => s.end(res));
    s.on('error', () => {});
    await new Promise((res) => s.once('close', res));
    return out({ sentMs: performance.now() - t0 });
  }
  throw new Error('unknown job ' + job.kind);
}
main().catch((e) => { out({ error: String(e && e.message || e) }); process.exitCode = 1; });
`;
