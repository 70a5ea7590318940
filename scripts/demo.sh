#!/usr/bin/env bash
# The quickstart, end to end on this machine: starts the embedded org server (PGlite in a temporary
# directory), signs up a demo account, and runs `pulumi up` on examples/quickstart against it; then
# shows the result with the orgs CLI, checks that a second preview is clean, and destroys it all.
#   scripts/demo.sh           run, then clean up
#   scripts/demo.sh --keep    leave the server and the stack up (Ctrl-C stops the server)
# The Pulumi CLI comes from scripts/pulumi.sh: one already installed (a `pulumi` on PATH, or
# ORGS_PULUMI_CLI), or one it builds from the Go module proxy on first use (minutes, once).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
keep=false
case "${1:-}" in
  --keep) keep=true ;;
  "") ;;
  *) echo "usage: scripts/demo.sh [--keep]" >&2; exit 2 ;;
esac

# shellcheck source=scripts/ensure-node.sh
. scripts/ensure-node.sh
orgs_ensure_node

[ -d node_modules ] || { echo "demo: installing packages (npm ci)" >&2; npm ci --no-audit --no-fund --loglevel=error; }
pulumi_dir="$(bash scripts/pulumi.sh)"
export PATH="$pulumi_dir:$PATH"
echo "demo: $(pulumi version) from $pulumi_dir"

[ -f dist/server/main.js ] && [ -f dist/sdk/index.js ] || { echo "demo: building dist/ (npm run build)" >&2; npm run --silent build; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/orgs-demo.XXXXXX")"
stack="demo"
stack_file="$ROOT/Pulumi.$stack.yaml"
had_stack_file=false; [ -f "$stack_file" ] && had_stack_file=true
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  # The stack's state lives in $tmp: its config file (only an encryption salt) is useless without it.
  $had_stack_file || rm -f "$stack_file"
  rm -rf "$tmp"
}
trap cleanup EXIT

# The server picks a free port (PORT=0) and prints where it listens.
operator_token="omt_demo_$(node -p 'require("crypto").randomBytes(12).toString("hex")')"
ORGS_DATA_DIR="$tmp/data" ORGS_OPERATOR_TOKEN="$operator_token" PORT=0 HOST=127.0.0.1 \
  node dist/server/main.js >"$tmp/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^orgs-server listening on \(http[^ ]*\).*/\1/p' "$tmp/server.log" | head -1)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "demo: the server stopped:" >&2; cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "demo: the server did not start within 20 s:" >&2; cat "$tmp/server.log" >&2; exit 1; }
echo "demo: orgs server at $url (data in $tmp/data)"

# A demo account: it creates the organization and becomes its owner.
token="$(ORGS_URL="$url" node -e '
  fetch(process.env.ORGS_URL + "/v1/accounts", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "demo@example.com", name: "Demo" }) })
    .then(async (r) => { const b = await r.json(); if (r.status !== 201) throw new Error(r.status + " " + JSON.stringify(b)); console.log(b.token.token); })
    .catch((e) => { console.error("demo: sign-up failed: " + e.message); process.exit(1); });')"
echo "demo: signed up demo@example.com"

mkdir -p "$tmp/state" "$tmp/home"
export PULUMI_BACKEND_URL="file://$tmp/state" PULUMI_CONFIG_PASSPHRASE="orgs-demo" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$tmp/home"
pulumi stack select --create "$stack" --non-interactive >/dev/null
pulumi config set slug acme --stack "$stack"
pulumi config set orgs:apiUrl "$url" --stack "$stack"
pulumi config set --secret orgs:apiToken "$token" --stack "$stack"

echo "demo: pulumi up (examples/quickstart)"
pulumi up --yes --stack "$stack"

orgs() { ORGS_API_URL="$url" ORGS_API_TOKEN="$token" node dist/cli/main.js "$@"; }
echo; echo "demo: what the server holds now"
orgs organization:user:list --org acme
orgs project:access:list api --org acme
echo; echo "demo: the invitation emails are in the outbox (operator only): ORGS_API_TOKEN=<operator> orgs outbox:list"

echo; echo "demo: a second preview has nothing to do"
pulumi preview --stack "$stack" --refresh --expect-no-changes

if $keep; then
  trap - EXIT
  cat <<EOF

The server keeps running (pid $server_pid; Ctrl-C stops it). In another shell:
  export ORGS_API_URL=$url ORGS_API_TOKEN=$token
  export PULUMI_BACKEND_URL=file://$tmp/state PULUMI_CONFIG_PASSPHRASE=orgs-demo PULUMI_HOME=$tmp/home PATH=$pulumi_dir:\$PATH
  node dist/cli/main.js organization:user:update bob@example.com --org acme --role ADMIN   # drift
  pulumi preview --stack $stack --refresh                                                   # shows it
  pulumi up --stack $stack --refresh --yes                                                  # undoes it
  pulumi destroy --stack $stack --yes
Operator token (for orgs outbox:list): $operator_token
EOF
  wait "$server_pid"
  exit 0
fi

echo; echo "demo: pulumi destroy"
pulumi destroy --yes --stack "$stack"
pulumi stack rm --yes --stack "$stack" >/dev/null
echo "demo: done"
