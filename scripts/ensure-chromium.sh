# Sourced by ./dev test and .ci/run: Debian's Chromium for the admin page's browser tests
# (playwright-core drives it with executablePath; nothing downloads a browser of its own).
# Installed with apt-get when missing and this is root on Debian; otherwise says how, and fails.
orgs_ensure_chromium() {
  [ -n "${ORGS_CHROMIUM:-}" ] && [ -x "$ORGS_CHROMIUM" ] && return 0
  command -v chromium >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing and cannot be installed here (needs root and apt-get): apt-get install -y chromium, or set ORGS_CHROMIUM" >&2
    return 1
  fi
  echo "installing Debian's chromium for the browser tests (apt-get, once)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
