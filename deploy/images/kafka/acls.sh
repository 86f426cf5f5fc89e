#!/bin/bash
# leap/kafka acls.sh PLAN: apply the Kafka ACLs of a plan (deploy/compose/kafka-acls.txt, generated from
# leap_contracts.topics by deploy/kafka_access.py) as the admin user. Idempotent: adding an ACL twice is a no-op.
#   KAFKA_BOOTSTRAP (default kafka:9092), KAFKA_ADMIN_USER (admin), password in $KAFKA_SECRETS_DIR/<admin user>
# Plan lines: PRINCIPAL <tab> OPERATIONS(comma) <tab> topic|group|cluster <tab> literal|prefixed <tab> NAMES(space)
set -euo pipefail
admin=${KAFKA_ADMIN_USER:-admin}
password=$(<"${KAFKA_SECRETS_DIR:-/run/secrets/kafka}/$admin")
cat >/tmp/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$admin" password="$password";
PROPS
args=()
while IFS=$'\t' read -r principal operations kind pattern names; do
  [[ -z $principal || $principal == \#* ]] && continue
  args=(--add --allow-principal "User:$principal" --resource-pattern-type "$pattern")
  for op in ${operations//,/ }; do args+=(--operation "$op"); done
  case $kind in
    cluster) args+=(--cluster) ;;
    *) for n in $names; do args+=("--$kind" "$n"); done ;;
  esac
  java -Xmx128m -cp "/opt/kafka/lib/*" -Dlog4j2.configurationFile=/opt/kafka/conf/log4j2.yaml \
    org.apache.kafka.tools.AclCommand --bootstrap-server "${KAFKA_BOOTSTRAP:-kafka:9092}" \
    --command-config /tmp/admin.properties "${args[@]}" >/dev/null
  echo "acls: $principal $operations $kind $pattern $names"
done <"$1"
