#!/usr/bin/env bash
# Runs integration test classes N times in a row, each run in a fresh JVM, and prints pass/N per
# class (issue 7: every IT class that touches more than one store or processor green 20 times in a
# row). Compiles once through the reactor, then runs the classes directly with the JUnit Platform
# launcher (no Maven per run), so 20 runs cost 20 test runs and not 20 builds.
#
#   nice -n 15 scripts/repeat-its.sh [-n 20] module:fully.qualified.ClassIT ...
#   nice -n 15 scripts/repeat-its.sh            # the default set below
#
# Logs of every run: target/repeat-its/<class>-<i>.log; the summary: target/repeat-its/summary.txt.
# REPEAT_SHARED_LOCK=<file>: each run holds a shared flock on it, so a benchmark holding it
# exclusively (flock <file> bench/scripts/platform-bench.sh ...) never runs beside a test run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=20
if [[ "${1:-}" == "-n" ]]; then runs="$2"; shift 2; fi
classes=("$@")
if [[ ${#classes[@]} -eq 0 ]]; then
  classes=(
    job-state-store:io.regen.realtime.query.QueryApiIT
    job-state-store:io.regen.realtime.query.MultiInstanceQueryIT
    job-state-store:io.regen.realtime.query.ExactlyOnceIT
    stream-processors:io.regen.realtime.streams.RegenStreamsIT
    gateway:io.regen.realtime.gateway.e2e.GatewayEndToEndIT
  )
fi
modules=$(printf '%s\n' "${classes[@]}" | cut -d: -f1 | sort -u | paste -sd,)
out=target/repeat-its
mkdir -p "$out"
mvn -B -ntp -q -pl "$modules" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/repeat-its.classpath -Dmdep.includeScope=test
summary="$out/summary.txt"
lock=()
if [[ -n "${REPEAT_SHARED_LOCK:-}" ]]; then lock=(flock -s "$REPEAT_SHARED_LOCK"); fi
echo "# $(date -u +%FT%TZ) runs=$runs load: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$summary"
for entry in "${classes[@]}"; do
  module=${entry%%:*}
  class=${entry#*:}
  # junit-platform-launcher is a test dependency of every module (parent pom)
  cp="target/test-classes:target/classes:$(cat "$module/target/repeat-its.classpath")"
  pass=0
  for i in $(seq 1 "$runs"); do
    log="$out/${class##*.}-$i.log"
    start=$(date +%s)
    if (cd "$module" && "${lock[@]}" java -cp "$cp" ../scripts/RepeatIt.java "$class") >"$log" 2>&1; then
      pass=$((pass + 1)); verdict=pass
    else
      verdict=FAIL
    fi
    echo "$class run $i/$runs: $verdict in $(( $(date +%s) - start )) s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
  echo "$class: $pass/$runs" | tee -a "$summary"
done
