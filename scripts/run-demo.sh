#!/usr/bin/env bash
# Starts `./regen up`, then a few simulated clients (Node, the real SDK) that sign in and run
# scripted model and research jobs so the dashboard's metrics and job lists move, and prints the
# URL to open. Ctrl-C stops the clients and the platform (SIGTERM, clean shutdown).
#   PORT=8080 CLIENTS=3 scripts/run-demo.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-8080}"
CLIENTS="${CLIENTS:-3}"
LOG="${REGEN_DATA_DIR:-$ROOT/data}/run-demo.log"
mkdir -p "$(dirname "$LOG")"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "run-demo: stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

echo "run-demo: starting ./regen up on port $PORT (log $LOG)"
PORT="$PORT" "$ROOT/regen" up >"$LOG" 2>&1 &
pids+=($!)
until curl -fs "http://localhost:$PORT/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; do
  kill -0 "${pids[0]}" 2>/dev/null || { echo "run-demo: regen up exited; see $LOG" >&2; exit 1; }
  sleep 1
done

(cd "$ROOT/clients/typescript" && { [ -f dist/index.js ] && [ -d node_modules ]; } || { npm ci --no-audit --no-fund >/dev/null && npm run build >/dev/null; })
echo "run-demo: $CLIENTS simulated clients running scripted jobs"
(cd "$ROOT/clients/typescript" && exec node scripts/simulate-clients.mjs \
    "http://localhost:$PORT" "$CLIENTS") &
pids+=($!)

echo
echo "  Open http://localhost:$PORT/ and sign in with any name (Ctrl-C stops everything)."
echo
wait "${pids[0]}"
