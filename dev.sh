#!/usr/bin/env bash
# Developer entry point: `./dev.sh run` starts the service on the embedded default,
# `./dev.sh test` installs what the tests need and runs the whole suite, `./dev.sh lint` checks style
# and types, `./dev.sh lock` compiles constraints.txt (the versions every install takes) from setup.cfg,
# `./dev.sh clients` generates the API clients from openapi.yaml and checks them against the service.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
# Every install takes its versions from here, so a fresh machine gets the ones the tests passed with.
CONSTRAINTS=constraints.txt
APT_PACKAGES="redis-server tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-nld tesseract-ocr-deu tesseract-ocr-spa"

system_deps() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v tesseract >/dev/null || missing+=(tesseract-ocr)
  if command -v tesseract >/dev/null; then
    local have
    have=$(tesseract --list-langs 2>/dev/null || true)
    for lang in eng fra nld deu spa; do
      grep -qx "$lang" <<<"$have" || missing+=("tesseract-ocr-$lang")
    done
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "missing: ${missing[*]}"
  apt_install $APT_PACKAGES
}

apt_install() {
  echo "installing system packages: $*"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# What only the client checks need: Java for openapi-generator (its jar comes in the PyPI package),
# Node and npm for openapi-typescript and tsc, curl for the commands the banner and the README show.
client_system_deps() {
  local missing=()
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v npm >/dev/null || missing+=(nodejs npm)
  command -v curl >/dev/null || missing+=(curl)  # the commands the banner and the README give
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_install "${missing[@]}"
}

node_deps() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

python_deps() {
  local stamp="$VENV/.installed-$1"
  if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ "$CONSTRAINTS" -nt "$stamp" ]; then
    venv
    "$VENV/bin/pip" install -q --disable-pip-version-check -c "$CONSTRAINTS" -e ".[$1]"
    touch "$stamp"
  fi
}

venv() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "docscan needs Python 3.11 or newer (found $("$PYTHON" --version))" >&2; exit 1; }
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -U pip
  fi
}

lock() {
  # Only uv, not the project: a dependency just added to setup.cfg may not fit the old pins yet.
  venv
  local pinned=()
  [ -f "$CONSTRAINTS" ] && pinned=(-c "$CONSTRAINTS")
  "$VENV/bin/pip" install -q --disable-pip-version-check "${pinned[@]}" uv
  # An existing pin is kept while it still fits setup.cfg; pass --upgrade (or --upgrade-package NAME) to move.
  "$VENV/bin/uv" pip compile setup.cfg --all-extras --python-version 3.11 --quiet \
    --custom-compile-command "./dev.sh lock" -o "$CONSTRAINTS" "$@"
  echo "wrote $CONSTRAINTS"
}

case "${1:-}" in
  run)
    shift
    system_deps
    python_deps embedded
    exec "$VENV/bin/python" -m service "$@"
    ;;
  test)
    shift
    system_deps
    python_deps test
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  lint)
    python_deps "test,lint"
    # All three, so one run names every kind of finding; fails if any did.
    status=0
    "$VENV/bin/ruff" check service migrations tests bench || status=1
    "$VENV/bin/ruff" format --check service migrations tests bench || status=1
    "$VENV/bin/mypy" || status=1
    exit $status
    ;;
  lock)
    shift
    lock "$@"
    ;;
  clients)
    shift
    system_deps
    client_system_deps
    python_deps "test,clients"
    node_deps
    exec "$VENV/bin/python" -m pytest clients "$@"
    ;;
  bench)
    shift
    system_deps
    python_deps test
    exec "$VENV/bin/python" -m bench "$@"
    ;;
  *)
    echo "usage: $0 run|test|lint|lock|clients|bench [args]" >&2
    exit 2
    ;;
esac
