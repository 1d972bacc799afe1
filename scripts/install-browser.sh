#!/bin/sh
# The system Chromium that the browser tests (tests/browser) drive with Playwright.
exec "$(dirname "$0")/apt-install.sh" chromium chromium-driver
