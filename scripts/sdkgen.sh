#!/usr/bin/env bash
# The Python and Go SDKs, generated from schema.json by tools/sdkgen (Pulumi's own code generators,
# pkg/codegen at the CLI's version):
#   scripts/sdkgen.sh                   regenerates sdks/python and sdks/go in this checkout
#   scripts/sdkgen.sh SCHEMA OUT        writes OUT/python and OUT/go from SCHEMA (the staleness test)
#   scripts/sdkgen.sh --build           only builds the tool and prints its path
# The tool is built into .tools/sdkgen/ with the flags scripts/pulumi.sh builds the CLI with
# (CGO_ENABLED=0, -trimpath), so Go's build cache shares the packages both compile: after the
# CLI's build, the tool's first build takes seconds, and later ones are cache hits.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/sdkgen/sdkgen"

log() { echo "sdkgen.sh: $*" >&2; }

command -v go >/dev/null 2>&1 || { log "Go (1.26, as tools/sdkgen/go.mod says) is needed to generate the SDKs: install it from go.dev/dl"; exit 1; }
mkdir -p "$(dirname "$BIN")"
if ! (cd "$ROOT/tools/sdkgen" && CGO_ENABLED=0 go build -trimpath -o "$BIN.tmp" .) >"$ROOT/.tools/sdkgen/build.log" 2>&1; then
  tail -n 30 "$ROOT/.tools/sdkgen/build.log" >&2
  log "building tools/sdkgen failed (the whole log: .tools/sdkgen/build.log)"
  exit 1
fi
mv "$BIN.tmp" "$BIN"

case "${1:-}" in
  --build) echo "$BIN" ;;
  "") exec "$BIN" "$ROOT/schema.json" "$ROOT/sdks" ;;
  *) [ $# -eq 2 ] || { log "usage: scripts/sdkgen.sh [SCHEMA OUT | --build]"; exit 2; }; exec "$BIN" "$1" "$2" ;;
esac
