#!/usr/bin/env bash
# System packages the test suite needs, from Debian's archive, installed only when
# missing: Chromium for the browser tests (driven by Playwright with its executable
# path, no browser download), and poppler-utils (pdftoppm, pdftotext) for the handout
# tests. PostgreSQL is installed by scripts/test-postgres.sh.
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if ((${#missing[@]})); then
  echo "system-deps: installing ${missing[*]} from Debian packages" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi
