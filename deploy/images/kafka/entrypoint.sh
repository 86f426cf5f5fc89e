#!/bin/bash
# leap/kafka: render the configuration into /tmp (the root filesystem is read-only), format the storage once
# (with the SCRAM users, when KAFKA_SCRAM_USERS names them), run the broker.
#   KAFKA_CLUSTER_ID           22-character cluster id (default: a fixed one; set it per deployment)
#   KAFKA_CFG_<NAME>           any broker property: KAFKA_CFG_ADVERTISED_LISTENERS -> advertised.listeners
#   KAFKA_SCRAM_USERS          "admin leap-uploader ...": SCRAM-SHA-512 users created when the storage is formatted,
#                              each password read from $KAFKA_SECRETS_DIR/<user> (default /run/secrets/kafka)
#   KAFKA_HEAP_OPTS            default -Xms256m -Xmx768m
set -euo pipefail
CONF=/tmp/server.properties
cp /opt/kafka/conf/server.properties "$CONF"
while IFS='=' read -r name value; do
  [[ $name == KAFKA_CFG_* ]] || continue
  key=${name#KAFKA_CFG_}; key=${key,,}; key=${key//_/.}
  printf '%s=%s\n' "$key" "$value" >>"$CONF"
done < <(env)
# shellcheck disable=SC2206
JAVA_OPTS=(${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true -Dlog4j2.configurationFile=/opt/kafka/conf/log4j2.yaml -Djava.io.tmpdir=/tmp)
CP="/opt/kafka/lib/*"
if [[ ! -f /var/lib/kafka/data/meta.properties ]]; then
  scram=()
  for user in ${KAFKA_SCRAM_USERS:-}; do
    password=$(<"${KAFKA_SECRETS_DIR:-/run/secrets/kafka}/$user")
    scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$password]")
  done
  java "${JAVA_OPTS[@]}" -cp "$CP" kafka.tools.StorageTool format -g --cluster-id="${KAFKA_CLUSTER_ID:-bGVhcC1rYWZrYS1sb2NhbA}" \
    -c "$CONF" "${scram[@]}" >/dev/null
fi
exec java "${JAVA_OPTS[@]}" -cp "$CP" kafka.Kafka "$CONF"
