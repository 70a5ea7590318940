#!/usr/bin/env bash
# The Pulumi YAML language host (pulumi-language-yaml) for the YAML program's test
# (test/e2e-yaml.test.ts): built from the Go module proxy, as the CLI is (scripts/pulumi.sh), and
# cached in .tools/pulumi-yaml/<version>/bin/; prints that directory (put it on PATH: the CLI finds
# a language host there).
#   scripts/pulumi-yaml.sh
# The version is the newest the proxy serves (v1.25.0; it lists only v1.11.1 beside it). It is
# built against the pkg/v3 its go.mod asks for (v3.206.0), not the CLI's: a language host speaks to
# the engine over gRPC, and v1.25.0 does not compile against pkg v3.276.0 (plugin.NewContext
# changed). ORGS_PULUMI_YAML_VERSION=<version> chooses another.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${ORGS_PULUMI_YAML_VERSION:-1.25.0}"
DIR="$ROOT/.tools/pulumi-yaml/v$VERSION"

log() { echo "pulumi-yaml.sh: $*" >&2; }

if [ ! -x "$DIR/bin/pulumi-language-yaml" ]; then
  command -v go >/dev/null 2>&1 || { log "Go is needed to build pulumi-language-yaml"; exit 1; }
  t0=$SECONDS
  log "building pulumi-language-yaml v$VERSION from the Go module proxy into ${DIR#"$ROOT"/} (first run only)"
  rm -rf "$DIR/module" && mkdir -p "$DIR/module" "$DIR/bin"
  printf 'module orgs.local/pulumi-language-yaml\n\ngo 1.24\n' >"$DIR/module/go.mod"
  if ! (
    cd "$DIR/module"
    export GOFLAGS=-mod=mod
    go get -tool "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$VERSION"
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$DIR/bin/pulumi-language-yaml.tmp" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
  ) >"$DIR/build.log" 2>&1; then
    tail -n 30 "$DIR/build.log" >&2
    log "the build failed (the whole log: ${DIR#"$ROOT"/}/build.log)"
    exit 1
  fi
  mv "$DIR/bin/pulumi-language-yaml.tmp" "$DIR/bin/pulumi-language-yaml"
  log "built in $((SECONDS - t0)) s"
fi
echo "$DIR/bin"
