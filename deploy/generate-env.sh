#!/usr/bin/env bash
# Prints an .env for docker-compose.yml with a fresh random secret for every credential it needs:
#   deploy/generate-env.sh > .env && chmod 600 .env
# The JWT secret signs and verifies the users' tokens; the KAFKA_*_PASSWORD are the SCRAM
# credentials of the brokers and of each role (created when the brokers format their storage, so
# changing one later needs kafka-configs.sh, see docs/security.md); the REGISTRY_*_PASSWORD are
# the schema registry's Basic auth users. Hex only: safe in JAAS strings and the registry's users
# file. ComposeFileTest checks that this prints every variable the compose file requires.
set -euo pipefail
secret() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
echo "JWT_SECRET=$(secret 48)"
for role in BROKER ADMIN REGISTRY STREAMS GATEWAY WORKER; do
  echo "KAFKA_${role}_PASSWORD=$(secret 24)"
done
for role in ADMIN STREAMS GATEWAY WORKER; do
  echo "REGISTRY_${role}_PASSWORD=$(secret 24)"
done
