#!/usr/bin/env bash
# The Python for the Python programs' tests (test/e2e-python.test.ts): a virtual environment in
# .tools/python/pulumi-<version>/ holding `pulumi` from PyPI, made once per machine (seconds) with
# the machine's python3 and pip; prints its bin/ directory.
#   scripts/python-pulumi.sh
# The version is the newest PyPI serves at or below the CLI's (scripts/pulumi.sh: the @pulumi/pulumi
# npm version, 3.276.0): PyPI has pulumi 3.272.0 and only pre-releases of 3.273.0. Raise it when
# PyPI serves the CLI's version; the SDK asks for pulumi>=3.269.0 (sdks/python/pyproject.toml).
# ORGS_PYTHON_PULUMI_VERSION=<version> chooses another.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${ORGS_PYTHON_PULUMI_VERSION:-3.272.0}"
VENV="$ROOT/.tools/python/pulumi-$VERSION"

log() { echo "python-pulumi.sh: $*" >&2; }

# .complete is written last: an interrupted first run is made again, not used half-installed.
if [ ! -f "$VENV/.complete" ]; then
  command -v python3 >/dev/null 2>&1 || { log "python3 (3.9 or newer, with venv and pip) is needed for the Python programs: apt-get install python3-venv python3-pip"; exit 1; }
  log "making ${VENV#"$ROOT"/} with pulumi==$VERSION from PyPI (first run only)"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || { log "python3 -m venv failed: apt-get install python3-venv"; exit 1; }
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pulumi==$VERSION" >&2
  touch "$VENV/.complete"
fi
echo "$VENV/bin"
