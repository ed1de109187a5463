#!/usr/bin/env bash
# Developer entry point: `./dev.sh run` starts the service on the embedded default,
# `./dev.sh test` installs what the tests need and runs the whole suite,
# `./dev.sh clients` generates the API clients from openapi.yaml and checks them against the service.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
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
  "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing system packages: $APT_PACKAGES (missing: ${missing[*]})"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $APT_PACKAGES python3-venv >/dev/null
}

# What only the client checks need: Java for openapi-generator (its jar comes in the PyPI package),
# Node and npm for openapi-typescript and tsc, curl for the commands the banner and the README show.
client_system_deps() {
  local missing=()
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v npm >/dev/null || missing+=(nodejs npm)
  command -v curl >/dev/null || missing+=(curl)  # the commands the banner and the README give
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing system packages for the client checks: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

node_deps() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

python_deps() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "docscan needs Python 3.11 or newer (found $("$PYTHON" --version))" >&2; exit 1; }
  local stamp="$VENV/.installed-$1"
  if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -U pip
    "$VENV/bin/pip" install -q --disable-pip-version-check -e ".[$1]"
    touch "$stamp"
  fi
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
    "$VENV/bin/ruff" check service migrations tests bench
    "$VENV/bin/ruff" format --check service migrations tests bench
    "$VENV/bin/mypy"
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
    echo "usage: $0 run|test|lint|clients|bench [args]" >&2
    exit 2
    ;;
esac
