# Sourced by ./dev and .ci/run: puts a Node ≥ 22 first on PATH. When the machine's Node is older
# (or missing), installs the official Node build that the npm registry ships (node-linux-<arch>)
# into .tools/ — no internet beyond the registry needed.
ORGS_ROOT="${ORGS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
ORGS_NODE_MAJOR=24
ORGS_TOOLS="$ORGS_ROOT/.tools"

orgs_node_ok() {
  command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 22 ]
}

orgs_ensure_node() {
  case "$(uname -m)" in
    x86_64) local arch=x64 ;;
    aarch64 | arm64) local arch=arm64 ;;
    *) echo "ensure-node: no Node build for $(uname -m); install Node ≥ 22 yourself" >&2; return 1 ;;
  esac
  local bin="$ORGS_TOOLS/node_modules/node-linux-$arch/bin"
  if [ -x "$bin/node" ]; then export PATH="$bin:$PATH"; fi
  orgs_node_ok && return 0
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "ensure-node: no npm on this machine; installing Debian's nodejs and npm to bootstrap" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null || return 1
    else
      echo "ensure-node: Node ≥ 22 is needed and there is no npm to fetch it with; install Node 22+ from https://nodejs.org" >&2
      return 1
    fi
  fi
  echo "ensure-node: $(node -v 2>/dev/null || echo 'no node') is too old; installing Node $ORGS_NODE_MAJOR from the npm registry into .tools/" >&2
  mkdir -p "$ORGS_TOOLS"
  npm install --prefix "$ORGS_TOOLS" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$ORGS_NODE_MAJOR" >&2 || return 1
  export PATH="$bin:$PATH"
  orgs_node_ok || { echo "ensure-node: the installed Node does not run here" >&2; return 1; }
}
