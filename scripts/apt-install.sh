#!/bin/sh
# Installs the Debian packages named as arguments that are not installed yet
# (the system Chromium for the browser tests, the DejaVu font the PDFs embed).
# Idempotent. Without apt-get, or without root (or password-less sudo), it says
# what to install by hand and exits 0, or 1 under REQUIRE_SERVICES=1 (CI).
set -u

missing=""
for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

give_up() {
    echo "apt-install: $1; install by hand:$missing" >&2
    [ "${REQUIRE_SERVICES:-}" = "1" ] && exit 1
    exit 0
}

command -v apt-get >/dev/null 2>&1 || give_up "no apt-get here"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    give_up "installing needs root"
fi
echo "apt-install: installing$missing ..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || give_up "apt-get update failed"
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing >/dev/null || give_up "apt-get install failed"
