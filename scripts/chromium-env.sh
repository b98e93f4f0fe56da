#!/usr/bin/env bash
# Tools the report package's tests need: Debian's Chromium (headless rendering of the HTML report,
# driven by playwright-core; we never let Playwright download a browser) and xmllint (validates the
# JUnit output against a vendored XSD).
#
#   scripts/chromium-env.sh install   install chromium + libxml2-utils with apt (needs root)
#   scripts/chromium-env.sh check     exit 0 when both are present, 1 (naming what is missing) otherwise
#   scripts/chromium-env.sh env       print `export` lines CI can eval (CHROMIUM_PATH, XMLLINT_PATH)
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
XMLLINT_PATH="${XMLLINT_PATH:-$(command -v xmllint || echo /usr/bin/xmllint)}"
LOCK=/tmp/faultline-apt.lock

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install() {
  # Several engineers share this machine; apt must not run twice at once.
  as_root flock "$LOCK" apt-get update
  as_root flock "$LOCK" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    chromium libxml2-utils fonts-dejavu-core
  check
}

check() {
  local missing=0
  if [ -x "$CHROMIUM_PATH" ]; then
    echo "chromium: $("$CHROMIUM_PATH" --version 2>/dev/null || echo "$CHROMIUM_PATH")"
  else
    echo "chromium: missing at $CHROMIUM_PATH (run: scripts/chromium-env.sh install)" >&2
    missing=1
  fi
  if [ -x "$XMLLINT_PATH" ]; then
    echo "xmllint: $("$XMLLINT_PATH" --version 2>&1 | head -n 1)"
  else
    echo "xmllint: missing (run: scripts/chromium-env.sh install)" >&2
    missing=1
  fi
  return "$missing"
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  env)
    echo "export CHROMIUM_PATH=$CHROMIUM_PATH"
    echo "export XMLLINT_PATH=$XMLLINT_PATH"
    ;;
  *)
    echo "usage: $0 install|check|env" >&2
    exit 64
    ;;
esac
