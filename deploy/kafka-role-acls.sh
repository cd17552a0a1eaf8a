#!/usr/bin/env bash
# One-shot ACL bootstrap of docker-compose.yml: creates the role ACLs (ROLE_ACLS, one
# "<principal> <resource type> <pattern type> <name> <operation,...>" per line — the bindings of
# platform RoleAcls, which ComposeFileTest holds this list to) as the `admin` super user.
# Creating an ACL that exists is a no-op, so running it at every `docker compose up` is safe.
set -euo pipefail
: "${BOOTSTRAP_SERVERS:?}" "${ADMIN_PASSWORD:?}" "${ROLE_ACLS:?}"
umask 077
config=$(mktemp)
cat >"$config" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${ADMIN_PASSWORD}";
PROPS
while read -r principal type pattern name operations; do
  [[ -n "$principal" ]] || continue
  case "$type" in
    TOPIC) resource=(--topic "$name") ;;
    GROUP) resource=(--group "$name") ;;
    TRANSACTIONAL_ID) resource=(--transactional-id "$name") ;;
    *) echo "unknown resource type '$type' in ROLE_ACLS" >&2; exit 1 ;;
  esac
  ops=()
  IFS=',' read -ra list <<<"$operations"
  for op in "${list[@]}"; do ops+=(--operation "$op"); done
  /opt/kafka/bin/kafka-acls.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --command-config "$config" \
    --add --allow-principal "$principal" --resource-pattern-type "$pattern" "${resource[@]}" "${ops[@]}"
done <<<"$ROLE_ACLS"
rm -f "$config"
echo "role ACLs in place"
