#!/usr/bin/env bash
# The workspace packages' dist/ (run by `npm run build`): npm packs only what lies inside a
# package's directory, and the sources stay where they are (api/, server/, cli/, …), so each
# package under packages/ gets a copy of the compiled directories it runs. Source maps and
# declarations are left out: they point at sources these packages do not ship, and no program
# imports them (a program imports the root package, orgs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ship() { # ship PACKAGE DIR…: dist/DIR… into packages/PACKAGE/dist/
  local pkg="packages/$1"
  shift
  rm -rf "$pkg/dist"
  mkdir -p "$pkg/dist"
  for d in "$@"; do cp -r "dist/$d" "$pkg/dist/$d"; done
  find "$pkg/dist" \( -name '*.map' -o -name '*.d.ts' \) -delete
}
ship orgs-server api server
ship orgs-cli api client cli
