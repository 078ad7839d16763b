#!/usr/bin/env bash
# Install (Debian packages) headless Chromium and its WebDriver for the dashboard's end-to-end test.
# Sourced by .ci/run: sets NASFORGE_REQUIRE_BROWSER so that the test fails rather than skips without them.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
export NASFORGE_REQUIRE_BROWSER=1
echo "$(chromium --version 2>/dev/null | head -1) with $(chromedriver --version | awk '{print $1, $2}')"
