#!/usr/bin/env bash
# Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL from the last migration's schema
# snapshot to prisma/schema.prisma. Prisma 7 cannot diff offline, so Prisma 6.19.3 (tools/prisma6) does it.
set -euo pipefail
name="${1:?usage: npm run db:new-migration -- <name>}"
[[ "$name" =~ ^[a-z0-9_]+$ ]] || { echo "migration name must be lower_snake_case" >&2; exit 2; }
cd "$(dirname "$0")/.."
[ -x tools/prisma6/node_modules/.bin/prisma ] || npm --prefix tools/prisma6 install --no-audit --no-fund >/dev/null

# Prisma 6 requires a url in the datasource block and Prisma 7 forbids it: diff copies with one injected.
with_url() { sed 's/^datasource db {/&\n  url = "postgresql:\/\/unused"/' "$1"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
with_url prisma/schema.prisma > "$tmp/to.prisma"
last=$(ls -d prisma/migrations/*/ 2>/dev/null | sort | tail -n 1 || true)
if [ -n "$last" ]; then
  with_url "$last/schema.prisma" > "$tmp/from.prisma"; from=(--from-schema-datamodel "$tmp/from.prisma")
else
  from=(--from-empty)
fi
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_$name"
mkdir -p "$dir"
PRISMA_QUERY_ENGINE_LIBRARY=/bin/true node tools/prisma6/node_modules/prisma/build/index.js migrate diff \
  --config tools/prisma6/diff.config.ts "${from[@]}" --to-schema-datamodel "$tmp/to.prisma" --script > "$dir/migration.sql"
cp prisma/schema.prisma "$dir/schema.prisma"
echo "wrote $dir/migration.sql"
