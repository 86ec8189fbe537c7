#!/usr/bin/env bash
# `npm test` on a fresh machine of ours (Debian, Postgres and Redis running, nothing else): the tests also need
# Debian's Chromium (the browser journeys and the OnlyFans worker; never a downloaded browser) and promtool/amtool
# (ops/prometheus/rules.test.ts).
# Run before the tests by npm's pretest scripts and by .ci/run, this installs the missing ones with apt-get when it
# may (root, or passwordless sudo), in one line of output; when it may not, it stops at once with one line naming what
# is missing and the command that installs it, instead of failing a dozen test files. When everything is there it
# only looks (no apt-get, no sudo). Postgres and Redis are not its business: .ci/run starts them.
#   CHROMIUM_PATH  the browser the journeys launch (e2e/support/browser.ts), /usr/bin/chromium by default
set -euo pipefail

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

# Sets missing (what the tests lack), packages (the Debian packages that bring it, with their recommends: Chromium's
# fonts) and tool_packages (the same without recommends: only the command-line tools are wanted).
look() {
  missing=() packages=() tool_packages=()
  [ -x "$chromium_path" ] || { missing+=("$chromium_path"); packages+=(chromium); }
  command -v promtool >/dev/null 2>&1 || { missing+=(promtool); tool_packages+=(prometheus); }
  command -v amtool >/dev/null 2>&1 || { missing+=(amtool); tool_packages+=(prometheus-alertmanager); }
}
look
[ ${#missing[@]} -eq 0 ] && exit 0

# "a", "a and b", "a, b and c"
joined() {
  local out=$1; shift
  while [ $# -gt 1 ]; do out+=", $1"; shift; done
  if [ $# -eq 1 ]; then out+=" and $1"; fi
  echo "$out"
}

refuse() {
  local command=""
  if [ ${#packages[@]} -gt 0 ]; then command="sudo apt-get install -y ${packages[*]}"; fi
  if [ ${#tool_packages[@]} -gt 0 ]; then
    command+="${command:+ && }sudo apt-get install -y --no-install-recommends ${tool_packages[*]}"
  fi
  echo "The tests need $(joined "${missing[@]}"), missing here, and $1. Install with: $command" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || refuse "there is no apt-get to install them"
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  refuse "installing them needs root or passwordless sudo"
fi

echo "The tests need $(joined "${missing[@]}"): installing Debian's $(joined "${packages[@]}" "${tool_packages[@]}") with apt-get."
apt() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" >/dev/null; }
apt update -qq
if [ ${#packages[@]} -gt 0 ]; then apt install -y -qq "${packages[@]}"; fi
if [ ${#tool_packages[@]} -gt 0 ]; then
  apt install -y -qq --no-install-recommends "${tool_packages[@]}"
  # If this machine's init started the daemons on install, stop them again.
  for daemon in "${tool_packages[@]}"; do
    if "${as_root[@]}" service "$daemon" status >/dev/null 2>&1; then "${as_root[@]}" service "$daemon" stop >/dev/null; fi
  done
fi

look
if [ ${#missing[@]} -gt 0 ]; then echo "Still missing after apt-get: $(joined "${missing[@]}")." >&2; exit 1; fi
