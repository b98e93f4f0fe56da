#!/usr/bin/env bash
# Reruns the time-sensitive suites with the machine's clock moved: far ahead, behind, and in a time zone
# with a half-hour offset and daylight saving. A test that depends on today's date or on UTC fails here
# on the day it is written, not a month later on main.
#
#   scripts/shifted-clock.sh            all three passes (what .ci/run does after the normal suite)
#   scripts/shifted-clock.sh +400d      one pass with the wall clock shifted by faketime's offset syntax
#   scripts/shifted-clock.sh tz         the time-zone pass only
#
# Needs Debian's `faketime` (libfaketime). Monotonic clocks are left alone (FAKETIME_DONT_FAKE_MONOTONIC)
# so timers and timeouts behave; only the wall clock (Date, gettimeofday) moves, in this process and
# every child it starts (the CLI and controller processes of the e2e tests). Run after `tsc -b`.
set -uo pipefail
cd "$(dirname "$0")/.."

suites=(
  packages/scheduler packages/store packages/engine packages/report apps/controller
  apps/cli/src/main.test.ts apps/cli/src/server.e2e.test.ts apps/cli/src/submit.e2e.test.ts
)

pass() { # label, command prefix...
  local label=$1; shift
  printf '\n--- shifted clock: %s\n' "$label"
  "$@" env FAULTLINE_CLI_DIST=1 npx vitest run "${suites[@]}" \
    --reporter=default --reporter=junit --outputFile.junit="test-artifacts/shifted-clock-$label.xml"
  local status=$?
  node scripts/test-summary.mjs "test-artifacts/shifted-clock-$label.xml"
  return $status
}

shifted() { # offset
  command -v faketime >/dev/null || { echo "faketime is not installed (Debian: apt-get install faketime)"; return 1; }
  FAKETIME_DONT_FAKE_MONOTONIC=1 pass "${1//[^a-z0-9+-]/}" faketime -f "$1"
}

zone() { TZ=Australia/Adelaide pass tz-adelaide; }

failed=0
case "${1:-all}" in
  all) shifted +400d || failed=1; shifted -30d || failed=1; zone || failed=1 ;;
  tz) zone || failed=1 ;;
  *) shifted "$1" || failed=1 ;;
esac
exit "$failed"
