#!/usr/bin/env bash
# Load test against a RUNNING platform (./regen up, or the compose deployment):
#   scripts/load-test.sh N SECONDS [platform benchmark options]
# N real WebSocket connections (one user each) for SECONDS, while a worker-like producer publishes
# job events to them (N events/s by default, LOAD_RATE to change); prints the summary: end-to-end
# latency p50/p99/p99.9/max, events received, lost, duplicated, out of order.
# It runs scenario S1 of the bench module's PlatformBenchmark (bench/scripts/platform-bench.sh
# starts a platform of its own instead). Where the platform is:
#   REGEN_HTTP_URL (http://localhost:8080), KAFKA_BOOTSTRAP_SERVERS (localhost:9092),
#   SCHEMA_REGISTRY_URL (http://localhost:8081), JWT_SECRET (else the dev secret in
#   ${REGEN_DATA_DIR:-./data}/dev-jwt-secret, which ./regen up creates).
# More than 1,000 connections from this one address need REGEN_GATEWAY_MAX_CONNECTIONS_PER_IP
# raised on the platform.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: scripts/load-test.sh N SECONDS [options]" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
N="$1"; SECONDS_ARG="$2"; shift 2
[[ "$N" =~ ^[1-9][0-9]*$ && "$SECONDS_ARG" =~ ^[1-9][0-9]*$ ]] || usage
RATE="${LOAD_RATE:-$N}"

if [[ -z "${JWT_SECRET:-}" ]]; then
  SECRET_FILE="${REGEN_DATA_DIR:-./data}/dev-jwt-secret"
  [[ -f "$SECRET_FILE" ]] || { echo "load-test: set JWT_SECRET (no $SECRET_FILE)" >&2; exit 1; }
  JWT_SECRET="$(cat "$SECRET_FILE")"
fi
export JWT_SECRET

CP_FILE=bench/target/load-test.cp
if [[ ! -f "$CP_FILE" || -n "$(find bench/src bench/pom.xml -newer "$CP_FILE" -print -quit)" ]]; then
  echo "load-test: building the bench module (mvn package, tests skipped)" >&2
  mvn -B -q -ntp -pl bench -am package dependency:build-classpath -DskipTests \
    -Dspotless.check.skip=true -Dmdep.outputFile=target/load-test.cp -Dmdep.includeScope=runtime >/dev/null
fi
(( N <= 1000 )) || echo "load-test: $N connections from one address: the platform needs REGEN_GATEWAY_MAX_CONNECTIONS_PER_IP >= $N" >&2

exec java ${LOAD_TEST_JAVA_OPTS:--Xms512m -Xmx2g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "bench/target/classes:$(cat "$CP_FILE")" \
  io.regen.realtime.bench.platform.PlatformBenchmark S1 \
  --http "${REGEN_HTTP_URL:-http://localhost:8080}" \
  --kafka "${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}" \
  --registry "${SCHEMA_REGISTRY_URL:-http://localhost:8081}" \
  --connections "$N" --rate "$RATE" --seconds "$SECONDS_ARG" --warmup 2 "$@"
