#!/bin/sh
# Installs the system Chromium that the browser tests (tests/browser) drive with Playwright.
# Idempotent: does nothing when /usr/bin/chromium exists. Without apt-get (not Debian or
# Ubuntu) it only says so and exits 0; the browser tests then skip, or fail under
# REQUIRE_SERVICES=1. Installing needs root (or sudo without a password); when that is
# missing or apt-get fails, it says so and exits 0, or 1 under REQUIRE_SERVICES=1 (CI).
set -u

give_up() {
    echo "install-browser: $1" >&2
    if [ "${REQUIRE_SERVICES:-}" = "1" ]; then
        exit 1
    fi
    echo "install-browser: the browser tests will be skipped." >&2
    exit 0
}

if [ -x /usr/bin/chromium ]; then
    echo "install-browser: /usr/bin/chromium is installed."
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here; install Chromium as /usr/bin/chromium by hand" \
        "to run the browser tests (they are skipped without it)."
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    give_up "installing Chromium needs root; as root run: apt-get update && apt-get install -y chromium chromium-driver"
fi
echo "install-browser: installing Chromium with apt-get..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || give_up "apt-get update failed."
$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null ||
    give_up "apt-get install chromium failed."
echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)."
