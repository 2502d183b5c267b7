#!/usr/bin/env bash
# Sampo's two commands, for a fresh Debian machine with Python 3.11+ and git:
#   ./dev.sh run    set up, migrate, load demo data, start the worker and the server on :8000
#   ./dev.sh test   set up, then lint and run the whole suite on SQLite and on PostgreSQL
# Missing system packages (Node.js, gettext, PostgreSQL, Redis, Chromium) are installed with
# apt when the script runs as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"
PG_URL_DEFAULT="postgres://postgres@127.0.0.1:5432/sampo_ci"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root to run: $*" >&2; return 1; fi
}

APT_UPDATED=""
apt_install() {
  say "Installing with apt: $*"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_command() {  # need_command COMMAND DEBIAN-PACKAGE...
  local cmd=$1; shift
  command -v "$cmd" >/dev/null 2>&1 || apt_install "$@"
}

python_env() {  # python_env LOCKFILE
  local lock=$1 stamp="$VENV/.installed-$(basename "$1")"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the Python environment in .venv"
    python3 -c 'import sys; assert sys.version_info >= (3, 11), "Sampo needs Python 3.11+"'
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; }
  fi
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    say "Installing Python packages from $lock"
    "$VENV/bin/pip" install -q --disable-pip-version-check --require-hashes -r "$lock"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -e .
    touch "$stamp"
  fi
}

assets() {
  need_command npm nodejs npm
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing front-end packages with npm"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  need_command msgfmt gettext
  sampo compilemessages --ignore=.venv --ignore=node_modules -v 0
  sampo collectstatic --noinput -v 0
}

setup() {  # setup LOCKFILE
  python_env "$1"
  assets
}

postgres_up() {
  if ! command -v pg_isready >/dev/null; then apt_install postgresql postgresql-client; fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "Starting PostgreSQL"
    local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || as_root pg_ctlcluster "$version" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # The test runner creates its own test database; it connects through this one.
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='sampo_ci'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE sampo_ci"
}

redis_up() {
  need_command redis-server redis-server
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 20); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
}

browser_up() {
  # Playwright drives Debian's Chromium; it never downloads a browser of its own.
  need_command chromium chromium
}

imap_up() {
  # The email tests start their own Dovecot (temporary config and maildir); never a service.
  need_command dovecot dovecot-imapd
}

cmd_run() {
  setup requirements.lock
  say "Preparing the database under ${SAMPO_DATA_DIR:-var/}"
  sampo migrate --noinput -v 0
  sampo demo
  say "Starting the background worker"
  sampo worker &
  local worker=$!
  trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM
  sampo serve --skip-collectstatic --bind "${SAMPO_BIND:-127.0.0.1:8000}"
}

cmd_test() {
  setup requirements-dev.lock
  postgres_up
  redis_up
  browser_up
  imap_up
  export SAMPO_TEST_POSTGRES_URL="${SAMPO_TEST_POSTGRES_URL:-$PG_URL_DEFAULT}"
  export SAMPO_TEST_REDIS_URL="${SAMPO_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
  say "Lint and format"
  ruff check .
  ruff format --check .
  say "Type check"
  mypy sampo
  say "Migrations are up to date"
  sampo makemigrations --check --dry-run
  say "Production settings pass Django's deployment checks"
  SAMPO_SECRET_KEY="ci-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    SAMPO_HTTPS=1 SAMPO_ALLOWED_HOSTS=crm.example.fi SAMPO_DATABASE_URL="$SAMPO_TEST_POSTGRES_URL" \
    SAMPO_REDIS_URL="$SAMPO_TEST_REDIS_URL" sampo check --deploy --fail-level WARNING
  say "Test suite on SQLite"
  env -u SAMPO_DATABASE_URL pytest -n 2 --dist loadgroup "$@"
  say "Test suite on PostgreSQL"
  SAMPO_DATABASE_URL="$SAMPO_TEST_POSTGRES_URL" pytest -n 2 --dist loadgroup "$@"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: ./dev.sh run | ./dev.sh test [pytest arguments]" >&2; exit 2 ;;
esac
