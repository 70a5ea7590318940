#!/usr/bin/env bash
# The Pulumi CLI for tests, CI, the demo and the benches: built from the Go module proxy (the only
# place these machines can get it), at the version of the @pulumi/pulumi npm package installed
# here, and cached in .tools/pulumi/<version>/ so only the first run on a machine pays (about 5
# minutes on 2 cores, with a cold module cache).
#   scripts/pulumi.sh            prints the directory holding `pulumi` (put it first on PATH)
#   scripts/pulumi.sh <args>     runs that pulumi with <args>
# ORGS_PULUMI_CLI=/path/to/pulumi uses a CLI you installed yourself (checked to be the same 3.x
# minor version or newer) and builds nothing. A `pulumi` already on PATH is used the same way.
#
# Beside `pulumi` goes pulumi-resource-pulumi-nodejs, the dynamic-provider plugin: a shell script
# shipped in @pulumi/pulumi that runs the host of the @pulumi/pulumi installed in the program's
# directory. The engine looks for this bundled plugin next to its own binary first.
#
# The Node.js language host (pulumi-language-nodejs, a separate Go module with no version tags) is
# not built: the module proxy refuses it (403 "This module version is not available"). Beside the
# CLI built here goes a stand-in (scripts/pulumi-language-nodejs.cjs) that runs a program the way
# the real host does, so `pulumi up` in a project directory works; the tests run programs as
# Automation API inline programs, which need only the CLI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "pulumi.sh: $*" >&2; }

npm_version() {
  local pkg="$ROOT/node_modules/@pulumi/pulumi/package.json"
  [ -f "$pkg" ] || { log "node_modules/@pulumi/pulumi is missing: run npm ci first"; exit 1; }
  sed -n 's/^ *"version": *"\([0-9][0-9.]*\)".*/\1/p' "$pkg" | head -1
}

# True when the CLI at $1 is v3 at least as new as the npm package's minor version.
usable() {
  local v
  v="$("$1" version 2>/dev/null | sed -n 's/^v\{0,1\}\([0-9]*\.[0-9]*\)\..*/\1/p')" || return 1
  [ -n "$v" ] || return 1
  local want="${VERSION%.*}"
  [ "${v%%.*}" = 3 ] && [ "${v#*.}" -ge "${want#*.}" ]
}

with_plugin() {
  # $1: a directory holding `pulumi`; the dynamic-provider plugin goes beside it (when writable).
  local dir="$1"
  if [ ! -e "$dir/pulumi-resource-pulumi-nodejs" ] && [ -w "$dir" ]; then
    ln -s "$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$dir/pulumi-resource-pulumi-nodejs"
  fi
  echo "$dir"
}

with_language_host() {
  # The CLI built here has no Node.js language host (see above): the stand-in goes beside it.
  local dir="$1"
  if [ ! -e "$dir/pulumi-language-nodejs" ]; then
    printf '#!/bin/sh\n# A stand-in for the Node.js language host (scripts/pulumi-language-nodejs.cjs).\nexec node "%s/scripts/pulumi-language-nodejs.cjs" "$@"\n' "$ROOT" >"$dir/pulumi-language-nodejs"
    chmod +x "$dir/pulumi-language-nodejs"
  fi
}

VERSION="$(npm_version)"
DIR="$ROOT/.tools/pulumi/v$VERSION"

cli_dir() {
  if [ -n "${ORGS_PULUMI_CLI:-}" ]; then
    usable "$ORGS_PULUMI_CLI" || { log "ORGS_PULUMI_CLI=$ORGS_PULUMI_CLI is not a Pulumi CLI v3.${VERSION#3.} or newer"; exit 1; }
    with_plugin "$(cd "$(dirname "$ORGS_PULUMI_CLI")" && pwd)"
    return
  fi
  if [ -x "$DIR/bin/pulumi" ]; then with_language_host "$DIR/bin"; with_plugin "$DIR/bin"; return; fi
  local found
  found="$(command -v pulumi || true)"
  if [ -n "$found" ] && usable "$found"; then with_plugin "$(cd "$(dirname "$found")" && pwd)"; return; fi
  build
  with_language_host "$DIR/bin"
  with_plugin "$DIR/bin"
}

build() {
  command -v go >/dev/null 2>&1 || { log "Go is needed to build the Pulumi CLI (or set ORGS_PULUMI_CLI to an installed pulumi)"; exit 1; }
  local mod="$DIR/module" t0=$SECONDS
  log "building the Pulumi CLI v$VERSION from the Go module proxy into ${DIR#"$ROOT"/} (first run only)"
  rm -rf "$mod" && mkdir -p "$mod" "$DIR/bin"
  # pkg/v3 has replace directives, so `go install …@version` is refused; a wrapper module that
  # requires pkg and sdk at the same version builds it (dependencies' replaces are ignored).
  printf 'module orgs.local/pulumi-cli\n\ngo 1.24\n' >"$mod/go.mod"
  # Hundreds of "go: downloading" lines go to a log, shown when something fails.
  local log="$DIR/build.log"
  if ! (
    cd "$mod"
    export GOFLAGS=-mod=mod
    go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$VERSION"
    go get "github.com/pulumi/pulumi/sdk/v3@v$VERSION"
    # The version stamp is required: without it the Automation API refuses the CLI.
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION" \
      -o "$DIR/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  ) >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    log "the build failed (the whole log: ${log#"$ROOT"/})"
    exit 1
  fi
  mv "$DIR/bin/pulumi.tmp" "$DIR/bin/pulumi"
  log "built $("$DIR/bin/pulumi" version) in $((SECONDS - t0)) s"
}

dir="$(cli_dir)"
if [ $# -eq 0 ]; then echo "$dir"; else exec "$dir/pulumi" "$@"; fi
