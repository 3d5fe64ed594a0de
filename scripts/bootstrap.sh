#!/usr/bin/env bash
# Install what formfill needs and is missing: Debian/Ubuntu system packages (apt-get, as root or
# through sudo; otherwise the exact command is printed and we stop), then a virtualenv in .venv
# with the pinned Python dependencies. Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-nor tesseract-ocr-nld  # OCR (evidence)
  qpdf poppler-utils pdftk-java                                        # verification and bench
  fonts-dejavu-core                                                    # Unicode font subsets
  libreoffice-writer-nogui                                             # Word outputs -> PDF (packets, previews)
  redis-server                                                         # tests against a real server
  chromium                                                             # browser tests (never playwright install)
  nodejs                                                               # npm: axe-core for the accessibility checks
  python3-venv
  libicu-dev pkg-config g++                                            # PyICU builds from source (no wheels)
)

missing=()
for p in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian ships npm apart from nodejs; some nodejs builds bring their own npm (and conflict with it)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"
  else
    echo "formfill needs these system packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtualenv in .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.formfill-deps
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing the Python dependencies (pinned in pyproject.toml)"
  .venv/bin/python -m pip install -q --upgrade "pip==25.3" >/dev/null
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi

# axe-core (pinned exactly in package.json / package-lock.json): the browser tests inject it
# to check every page for accessibility problems
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/axe-core/axe.min.js ]; then
  echo "Installing axe-core (pinned in package-lock.json)"
  npm ci --no-audit --no-fund
  touch node_modules/axe-core/axe.min.js
fi
