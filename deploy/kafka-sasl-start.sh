#!/usr/bin/env bash
# Start of one apache/kafka node of docker-compose.yml with SASL/SCRAM: the image's own start script
# formats the storage without SCRAM credentials, so this formats it first, with one SCRAM-SHA-512
# credential per REGEN_SCRAM_<USER>=<password> variable (user = <USER> in lower case), exactly as
# `regen broker --sasl-users` does at format time, and then hands over to the image's start script
# (which finds the storage formatted and starts the node). Brokers authenticate to each other with
# the `broker` credential, so it must exist before any metadata does: hence at format time.
# A restarted node is formatted already; its credentials live in the cluster metadata.
set -euo pipefail

# The node's configuration from its KAFKA_* variables, converted the way the image converts them
# (KAFKA_FOO_BAR -> foo.bar, __ -> _, ___ -> -), for the storage tool only.
props=$(mktemp)
chmod 600 "$props"
excluded=" KAFKA_VERSION KAFKA_HEAP_OPTS KAFKA_LOG4J_OPTS KAFKA_OPTS KAFKA_JMX_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_GC_LOG_OPTS KAFKA_LOG4J_ROOT_LOGLEVEL KAFKA_LOG4J_LOGGERS KAFKA_TOOLS_LOG4J_LOGLEVEL KAFKA_JMX_HOSTNAME KAFKA_JMX_PORT "
while IFS='=' read -r name _; do
  [[ "$name" == KAFKA_* && "$excluded" != *" $name "* ]] || continue
  key=$(printf '%s' "${name#KAFKA_}" | sed -e 's/___/-/g' -e 's/__/\x01/g' -e 's/_/./g' -e 's/\x01/_/g' | tr '[:upper:]' '[:lower:]')
  printf '%s=%s\n' "$key" "${!name}" >>"$props"
done < <(env)

scram=()
for name in $(compgen -v REGEN_SCRAM_); do
  user=$(printf '%s' "${name#REGEN_SCRAM_}" | tr '[:upper:]' '[:lower:]')
  scram+=(--add-scram "SCRAM-SHA-512=[name=${user},password=\"${!name}\"]")
done
if [[ ${#scram[@]} -eq 0 ]]; then
  echo "no REGEN_SCRAM_<USER> variable: a SASL node needs at least the broker credential" >&2
  exit 1
fi
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" -c "$props" "${scram[@]}"
rm -f "$props"

# The broker's own client settings, for the health check (owner-only).
umask 077
cat >/tmp/broker-client.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="${REGEN_SCRAM_BROKER}";
PROPS
unset "${!REGEN_SCRAM_@}"
exec /etc/kafka/docker/run
