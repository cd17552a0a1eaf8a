#!/usr/bin/env bash
# The platform benchmark (issue 9): starts the platform as users run it on bench ports with a fresh
# data directory, runs one scenario from a separate load-generator JVM, stops the platform.
#   bench/scripts/platform-bench.sh [--jar JAR] [--java-opts "FLAGS"] S1..S7 [benchmark options]
# S1-S3, S5-S7 drive `regen up`; S4 runs `regen broker`, `registry`, `topics`, `streams` and lets
# the benchmark start, kill (--signal TERM|KILL) and restart `regen gateway` itself. S6 --forwarded
# also starts a second `regen streams` next to `up` (HTTP port BENCH_BASE_PORT+2) and looks up only
# the jobs it owns, through up (with --profile its JVM records DIR/owner.jfr too).
# --jar: run that launcher jar with `java FLAGS -jar` instead of ./regen (e.g. an older build for a
# before/after comparison in the same sitting); --java-opts sets REGEN_JAVA_OPTS (or FLAGS for --jar).
# --gateway-launcher PATH (S4): start the gateway with that launcher script instead of ./regen (e.g.
# an older ./regen on the same jar, for a before/after of its start flags in the same sitting).
# --jmx: the platform JVM opens a JMX port (HTTP port + 3) and the benchmark reports Kafka request
# rates by API and client over the window; --profile DIR: --jmx plus a JFR recording (settings=profile,
# DebugNonSafepoints) and a GC log of the platform JVM in DIR (`jfr print --events jdk.ExecutionSample`).
# Results: a table on stdout and bench/target/platform-bench-<scenario>-<time>.json.
# The generator's JVM: BENCH_GENERATOR_JAVA (default the platform's java) and BENCH_GENERATOR_OPTS
# (default generational ZGC where that Java has it, else G1 with a 5 ms goal); its GC pauses are
# reported per window, and the box's speed at the start (docs/performance.md "The platform benchmark").
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
JAR=""
JAVA_OPTS_ARG=""
JMX=""
PROFILE_DIR=""
GATEWAY_LAUNCHER="./regen"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;;
    --java-opts) JAVA_OPTS_ARG="$2"; shift 2 ;;
    --gateway-launcher) GATEWAY_LAUNCHER="$2"; shift 2 ;;
    --jmx) JMX=1; shift ;;
    --profile) JMX=1; PROFILE_DIR="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *) break ;;
  esac
done
SCENARIO="${1:?usage: platform-bench.sh [--jar JAR] [--java-opts FLAGS] S1..S7 [options]}"; shift
BASE_PORT="${BENCH_BASE_PORT:-18080}"
HTTP_PORT=$BASE_PORT; REGISTRY_PORT=$((BASE_PORT + 1)); STREAMS_PORT=$((BASE_PORT + 2))
KAFKA_PORT=$((BASE_PORT + 1012)); CONTROLLER_PORT=$((KAFKA_PORT + 1))
DATA="$(mktemp -d "${TMPDIR:-/tmp}/regen-bench-data.XXXXXX")"
export JWT_SECRET="${JWT_SECRET:-bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export REGEN_DATA_DIR="$DATA" REGEN_GATEWAY_MAX_CONNECTIONS_PER_IP=1000000
export SCHEMA_REGISTRY_PORT=$REGISTRY_PORT KAFKA_PORT KAFKA_CONTROLLER_PORT=$CONTROLLER_PORT
mkdir -p bench/target
JMX_PORT=$((BASE_PORT + 3))
EXTRA_OPTS=""
if [[ -n "$JMX" ]]; then
  EXTRA_OPTS="-Dcom.sun.management.jmxremote.port=$JMX_PORT -Dcom.sun.management.jmxremote.rmi.port=$JMX_PORT
    -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false
    -Dcom.sun.management.jmxremote.host=127.0.0.1 -Djava.rmi.server.hostname=127.0.0.1"
fi
if [[ -n "$PROFILE_DIR" ]]; then
  EXTRA_OPTS="$EXTRA_OPTS -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
    -XX:StartFlightRecording=filename=$PROFILE_DIR/platform.jfr,settings=profile
    -Xlog:gc,safepoint:file=$PROFILE_DIR/gc.log:uptime,tags"
fi
# REGEN_EXTRA_JAVA_OPTS of the caller is kept (e.g. a GC log next to ./regen's default flags).
EXTRA_OPTS="$(echo $EXTRA_OPTS ${REGEN_EXTRA_JAVA_OPTS:-})"
LAUNCH_EXTRA="" # the extra flags of the one JVM being launched (`up` only: one JMX port)
# Through the reactor (sibling modules resolve to their target/classes; nothing is installed).
mvn -B -q -ntp -pl bench -am test-compile dependency:build-classpath -Dspotless.check.skip=true \
  -Dmdep.outputFile=target/bench.cp >/dev/null
[[ -n "$JAR" ]] || ./regen build --if-stale >/dev/null
# No staleness check (and rebuild) when a role starts mid-run, e.g. S4's gateway restart.
export REGEN_SKIP_BUILD=1
PIDS=()
cleanup() {
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do
    kill -TERM "${PIDS[$i]}" 2>/dev/null || true
    wait "${PIDS[$i]}" 2>/dev/null || true
  done
  rm -rf "$DATA"
}
trap cleanup EXIT
launch() { # launch <log> <role args...>: the role's JVM in the background, its pid in LAST_PID
  local log="$1"; shift
  if [[ -n "$JAR" ]]; then
    # shellcheck disable=SC2086
    java ${JAVA_OPTS_ARG:--XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xms256m -Xmx1g} $LAUNCH_EXTRA -jar "$JAR" "$@" >"$log" 2>&1 &
  else
    REGEN_JAVA_OPTS="${JAVA_OPTS_ARG:-${REGEN_JAVA_OPTS:-}}" REGEN_EXTRA_JAVA_OPTS="$LAUNCH_EXTRA" \
      ./regen "$@" >"$log" 2>&1 &
  fi
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
wait_for() { # wait_for <url> <seconds>
  local deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    (( $(date +%s) < deadline )) || { echo "not up: $1" >&2; exit 1; }
    sleep 0.2
  done
}
LOGS=bench/target/platform-bench-logs; mkdir -p "$LOGS"
ARGS=(--http "http://localhost:$HTTP_PORT" --kafka "localhost:$KAFKA_PORT"
      --registry "http://localhost:$REGISTRY_PORT")
if [[ "$SCENARIO" == S4 ]]; then
  export KAFKA_BOOTSTRAP_SERVERS="localhost:$KAFKA_PORT" SCHEMA_REGISTRY_URL="http://localhost:$REGISTRY_PORT"
  launch "$LOGS/broker.log" broker --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT"
  until (exec 3<>"/dev/tcp/localhost/$KAFKA_PORT") 2>/dev/null; do sleep 0.2; done
  launch "$LOGS/registry.log" registry
  wait_for "http://localhost:$REGISTRY_PORT/subjects" 120
  if [[ -n "$JAR" ]]; then java -jar "$JAR" topics >"$LOGS/topics.log" 2>&1; else ./regen topics >"$LOGS/topics.log" 2>&1; fi
  PORT=$STREAMS_PORT launch "$LOGS/streams.log" streams
  wait_for "http://localhost:$STREAMS_PORT/actuator/health" 180
  launcher="$GATEWAY_LAUNCHER"; [[ -n "$JAR" ]] && launcher="java -jar $JAR"
  GW_OPTS="${JAVA_OPTS_ARG:-}"
  GATEWAY_CMD="env PORT=$HTTP_PORT QUERY_API_URL=http://localhost:$STREAMS_PORT ${GW_OPTS:+REGEN_JAVA_OPTS='$GW_OPTS'} $launcher gateway"
  [[ -n "$JAR" ]] && GATEWAY_CMD="env PORT=$HTTP_PORT QUERY_API_URL=http://localhost:$STREAMS_PORT java ${GW_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xms256m -Xmx1g} -jar $JAR gateway"
  ARGS+=(--gateway-cmd "$GATEWAY_CMD")
else
  LAUNCH_EXTRA="$EXTRA_OPTS"
  PORT=$HTTP_PORT launch "$LOGS/up.log" up
  LAUNCH_EXTRA=""
  wait_for "http://localhost:$HTTP_PORT/actuator/health" 240
  ARGS+=(--pid "$LAST_PID" --management "http://localhost:$((HTTP_PORT + 1000))")
  [[ -n "$JMX" ]] && ARGS+=(--jmx "127.0.0.1:$JMX_PORT")
  if [[ "$SCENARIO" == S6 && " $* " == *" --forwarded "* ]]; then
    # A second `regen streams` in up's Streams group (same application id and cluster, its own
    # port, node id and state directory): the benchmark looks up the jobs it owns through up.
    OWNER_ID="bench-streams-$STREAMS_PORT"
    [[ -n "$PROFILE_DIR" ]] && LAUNCH_EXTRA="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
      -XX:StartFlightRecording=filename=$PROFILE_DIR/owner.jfr,settings=profile"
    KAFKA_BOOTSTRAP_SERVERS="localhost:$KAFKA_PORT" SCHEMA_REGISTRY_URL="http://localhost:$REGISTRY_PORT" \
      REGEN_NODE_ID="$OWNER_ID" PORT=$STREAMS_PORT launch "$LOGS/streams.log" streams
    LAUNCH_EXTRA=""
    wait_for "http://localhost:$STREAMS_PORT/actuator/health" 240
    ARGS+=(--owner-pid "$LAST_PID" --owner-instance "$OWNER_ID")
  fi
fi
echo "$(date -Is) commit $(git rev-parse --short HEAD) load: $(cat /proc/loadavg) | $SCENARIO $*"
# The generator takes both ends of every latency on its own clock, so its GC pauses count as
# latency: it runs generational ZGC where its Java has it, G1 with a 5 ms goal on Java 17; each
# window reports the generator's pauses. Its Java: BENCH_GENERATOR_JAVA, else the platform's Java,
# or when that is older than 21 the newest Java 21+ under /usr/lib/jvm — with G1 on Java 17 the
# generator was paused 7-12% of S2's connect burst (pauses up to 360 ms), which the connect time
# then included (docs/performance.md, session 13).
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
GEN_JAVA="${BENCH_GENERATOR_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
GEN_MAJOR="$(java_major "$GEN_JAVA")"
if [[ -z "${BENCH_GENERATOR_JAVA:-}" ]] && (( ${GEN_MAJOR:-0} < 21 )); then
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x "$candidate" ]] || continue
    major="$(java_major "$candidate")"
    if (( ${major:-0} >= 21 && ${major:-0} > GEN_MAJOR )); then GEN_JAVA="$candidate"; GEN_MAJOR="$major"; fi
  done
fi
echo "generator: $GEN_JAVA (Java $GEN_MAJOR)"
if [[ -z "${BENCH_GENERATOR_OPTS:-}" ]]; then
  if (( GEN_MAJOR >= 23 )); then BENCH_GENERATOR_OPTS="-Xms1g -Xmx3g -XX:+UseZGC"
  elif (( GEN_MAJOR >= 21 )); then BENCH_GENERATOR_OPTS="-Xms1g -Xmx3g -XX:+UseZGC -XX:+ZGenerational"
  else BENCH_GENERATOR_OPTS="-Xms1g -Xmx3g -XX:+UseG1GC -XX:MaxGCPauseMillis=5"; fi
fi
"$GEN_JAVA" $BENCH_GENERATOR_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "bench/target/classes:$(cat bench/target/bench.cp)" \
  io.regen.realtime.bench.platform.PlatformBenchmark "$SCENARIO" "${ARGS[@]}" "$@"
