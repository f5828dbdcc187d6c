#!/usr/bin/env bash
# Lighthouse on the participant pages, served with the demo data, as a parent on a phone.
#
#   bench/lighthouse.sh            # after `make install` (or `make test`'s set-up)
#   RUNS=1 bench/lighthouse.sh     # quicker, one run per page instead of the median of three
#
# Installs lighthouse@12 into bench/.lighthouse (gitignored), builds a fresh SQLite database
# with the demo data in a temporary folder, serves it with gunicorn on a free port of
# 127.0.0.1, signs in as the demo parent and audits every participant page in the nav.
# Reports go to bench/out/, the summary table to docs/performance.md; the last line printed
# is a JSON summary.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
LIGHTHOUSE_DIR="$ROOT/bench/.lighthouse"
LIGHTHOUSE="$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

if [ ! -x "$BIN/python" ]; then
  echo "Run 'make install' first (it builds .venv)." >&2
  exit 1
fi
if [ ! -x "$CHROME_PATH" ]; then
  echo "No Chromium at $CHROME_PATH: run 'make browser' first." >&2
  exit 1
fi
if [ ! -x "$LIGHTHOUSE" ]; then
  echo "Installing lighthouse@12 into bench/.lighthouse ..." >&2
  mkdir -p "$LIGHTHOUSE_DIR"
  npm install --prefix "$LIGHTHOUSE_DIR" --no-audit --no-fund --loglevel=error lighthouse@12 >&2
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A database of its own, never the developer's.
export COPLAN_INSTANCE_PATH="$WORK/instance"
export DATABASE_URL="sqlite:///$WORK/coplan.db"
unset COPLAN_ENV REDIS_URL MAIL_SERVER
"$BIN/flask" --app webapp db upgrade >"$WORK/setup.log" 2>&1
"$BIN/flask" --app webapp seed-demo >>"$WORK/setup.log" 2>&1

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE_URL="http://127.0.0.1:$PORT"
WEB_CONCURRENCY=2 GUNICORN_THREADS=4 "$BIN/gunicorn" -c gunicorn.conf.py --bind "127.0.0.1:$PORT" \
  "webapp:create_app()" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if "$BIN/python" -c "import urllib.request, sys; urllib.request.urlopen('$BASE_URL/healthz', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    cat "$WORK/server.log" >&2
    exit 1
  fi
  sleep 0.2
done

"$BIN/python" bench/lib/audit_pages.py --base-url "$BASE_URL" --lighthouse "$LIGHTHOUSE" \
  --runs "${RUNS:-3}" --out bench/out --summary docs/performance.md
