#!/usr/bin/env bash
# Runs the real-WebSocket delivery benchmark when the machine is quiet.
#   bench/scripts/ws-bench.sh [--max-load L] [--wait-minutes M] -- <benchmark args>
# Builds the classpath once (bench/target/bench.cp), waits until the 1-minute load average is
# below L (default 1.5) or M minutes passed (default 10), prints the load, then runs
# io.regen.realtime.bench.e2e.WebSocketDeliveryBenchmark with the given arguments.
set -euo pipefail
cd "$(dirname "$0")/../.."
MAX_LOAD=1.5
WAIT_MIN=10
CLIENT_JVM="${CLIENT_JVM:--Xms2g -Xmx3g -XX:+UseZGC}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --max-load) MAX_LOAD="$2"; shift 2 ;;
    --wait-minutes) WAIT_MIN="$2"; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
if [[ ! -f bench/target/bench.cp || bench/pom.xml -nt bench/target/bench.cp ]]; then
  mvn -B -q -o -pl bench dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
fi
deadline=$(( $(date +%s) + WAIT_MIN * 60 ))
while :; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN{exit !(l < m)}'; then break; fi
  if (( $(date +%s) >= deadline )); then echo "machine not quiet (load $load); running anyway"; break; fi
  sleep 5
done
echo "$(date -Is) load: $(cat /proc/loadavg) | args: $*"
# shellcheck disable=SC2086
exec java $CLIENT_JVM -cp "bench/target/classes:$(cat bench/target/bench.cp)" \
  io.regen.realtime.bench.e2e.WebSocketDeliveryBenchmark "$@"
