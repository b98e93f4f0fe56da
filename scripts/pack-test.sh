#!/usr/bin/env bash
# Packs the `faultline` npm package (scripts/pack-cli.mjs), installs the tarball in an empty folder the
# way a user would (npm registry needed for the third-party dependencies), and checks that
# `faultline --help`, `faultline validate`, `faultline proxy` and `faultline server` work from that install.
#   bash scripts/pack-test.sh          (KEEP=1 keeps the temp folder for inspection)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/faultline-pack-test.XXXXXX")"
bg_pid=""
started=$(date +%s)

cleanup() {
  if [[ -n "$bg_pid" ]] && kill -0 "$bg_pid" 2>/dev/null; then kill -TERM "$bg_pid" 2>/dev/null || true; fi
  if [[ "${KEEP:-}" == "1" ]]; then echo "pack-test: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "pack-test: FAILED: $*" >&2; exit 1; }
step() { echo "pack-test: $* (+$(( $(date +%s) - started ))s)"; }
# Sends SIGTERM to the background command ($bg_pid) and requires a clean exit 0; shows its output otherwise.
stop_cleanly() {
  local what=$1 out=$2 code
  kill -TERM "$bg_pid"
  set +e
  wait "$bg_pid"
  code=$?
  set -e
  bg_pid=""
  [[ $code -eq 0 ]] || { cat "$out" >&2; fail "$what exited $code after SIGTERM, expected 0"; }
}

step "packing"
tgz="$(node "$root/scripts/pack-cli.mjs" --out "$work/pack" | tail -n 1)"
[[ -f "$tgz" ]] || fail "pack-cli.mjs did not produce a tarball (got '$tgz')"

step "installing $(basename "$tgz") in an empty folder"
mkdir "$work/install"
cd "$work/install"
timeout 900 npm install --no-audit --no-fund --loglevel=error "$tgz" >"$work/npm-install.log" 2>&1 \
  || { tail -n 40 "$work/npm-install.log" >&2; fail "npm install of the tarball failed (log above)"; }
bin="$work/install/node_modules/.bin/faultline"
[[ -x "$bin" ]] || fail "no faultline bin after install"

step "faultline --help"
help="$(timeout 60 "$bin" --help)" || fail "faultline --help exited $?"
grep -q '^Usage: faultline' <<<"$help" || fail "unexpected --help output: $help"
for cmd in run validate plan recover proxy server submit halt; do
  grep -qE "^  $cmd\b" <<<"$help" || fail "--help does not list the $cmd command"
done
[[ "$(timeout 60 "$bin" --version)" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "faultline --version printed no version"

step "faultline validate"
timeout 60 "$bin" validate node_modules/faultline/experiments/quickstart.yaml >"$work/validate.out" 2>&1 \
  || { cat "$work/validate.out" >&2; fail "validate rejected the bundled quick-start experiment"; }
printf 'apiVersion: faultline.dev/v1\nkind: Experiment\nmetadata: { name: broken }\nspec: { duration: 10s, targets: {}, faults: [], bogus: 1 }\n' >broken.yaml
set +e
timeout 60 "$bin" validate broken.yaml >"$work/broken.out" 2>&1
code=$?
set -e
[[ $code -eq 64 ]] || { cat "$work/broken.out" >&2; fail "validate of an invalid file exited $code, expected 64"; }
grep -q "bogus" "$work/broken.out" || fail "validate did not name the unknown key: $(cat "$work/broken.out")"

step "faultline proxy"
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
"$bin" proxy --host 127.0.0.1 --port "$port" >"$work/proxy.out" 2>&1 &
bg_pid=$!
# Wait for the API (event: it answers), at most 30 s; then exercise it like toxiproxy clients do.
node --input-type=module - "$port" <<'EOF' || { cat "$work/proxy.out" >&2; fail "the proxy API did not work"; }
const api = `http://127.0.0.1:${process.argv[2]}`;
const deadline = Date.now() + 30_000;
let version;
while (!version) {
  try {
    const r = await fetch(`${api}/version`, { signal: AbortSignal.timeout(2000) });
    if (r.ok) version = (await r.text()).trim();
  } catch { /* not listening yet */ }
  if (!version) {
    if (Date.now() > deadline) throw new Error(`no answer from ${api}/version within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const created = await fetch(`${api}/proxies`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5000),
  body: JSON.stringify({ name: 'pack-test', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true }),
});
if (created.status !== 201) throw new Error(`POST /proxies answered ${created.status}: ${await created.text()}`);
const list = await (await fetch(`${api}/proxies`, { signal: AbortSignal.timeout(5000) })).json();
if (!list['pack-test']) throw new Error(`GET /proxies does not list the new proxy: ${JSON.stringify(list)}`);
console.log(`pack-test: proxy API answered /version (${version}) and created a proxy`);
EOF
stop_cleanly "faultline proxy" "$work/proxy.out"
grep -q "proxy stopped" "$work/proxy.out" || fail "faultline proxy did not report a clean stop: $(cat "$work/proxy.out")"

step "faultline server (embedded SQLite store: the native module built on install)"
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
"$bin" server --host 127.0.0.1 --port "$port" --no-auth --database "$work/faultline.db" >"$work/server.out" 2>&1 &
bg_pid=$!
node --input-type=module - "$port" <<'EOF' || { cat "$work/server.out" >&2; fail "the controller did not become ready"; }
const url = `http://127.0.0.1:${process.argv[2]}/readyz`;
const deadline = Date.now() + 60_000;
for (;;) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (r.ok) break;
  } catch { /* not listening yet */ }
  if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within 60 s`);
  await new Promise((r) => setTimeout(r, 200));
}
console.log('pack-test: controller answered /readyz');
// The dashboard ships in the package: its page and its script answer from the installed tarball.
const base = `http://127.0.0.1:${process.argv[2]}`;
for (const path of ['/ui/runs', '/ui/assets/app.js']) {
  const r = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
  if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
}
console.log('pack-test: the dashboard is served');
EOF
stop_cleanly "faultline server" "$work/server.out"

step "faultline-demo-shop bin"
set +e
timeout 60 "$work/install/node_modules/.bin/faultline-demo-shop" >"$work/demo.out" 2>&1
code=$?
set -e
[[ $code -eq 64 ]] && grep -q "usage: demo-shop" "$work/demo.out" || fail "faultline-demo-shop without a command should print usage and exit 64 (exit $code)"

step "OK: $(basename "$tgz") installs and works"
