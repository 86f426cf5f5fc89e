#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) run from Maven Central jars.
# Usage: kafka.sh {install|start|stop|status|create-topics PREFIX}
#   state: .state/kafka/{lib,data,server.properties,cluster-id}
#   log:   .state/logs/kafka.log (broker, log4j2), .state/logs/kafka.out (JVM stdout/stderr)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KDIR="$STATE/kafka"
LIB="$KDIR/lib"
DATA="$KDIR/data"
POM="$LOCAL_DIR/kafka/pom.xml"
PIDFILE="$RUN/kafka.pid"
LOG="$LOGS/kafka.log"
OUT="$LOGS/kafka.out"
HOST=127.0.0.1 PORT=19092 CONTROLLER_PORT=19093
# KAFKA_HEAP_OPTS overrides the heap; it is split on spaces on purpose.
# shellcheck disable=SC2206
JAVA_OPTS=(${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$LOCAL_DIR/kafka/log4j2.yaml" "-Dkafka.logs.dir=$LOGS")

# install: resolve the broker classpath once. The lib dir is stamped with the
# pom's checksum, so editing the pom (e.g. another Kafka version) re-resolves.
install() {
  local sum; sum=$(sha256sum "$POM" | cut -d' ' -f1)
  if [[ -f $LIB/.pom.sha256 && $(<"$LIB/.pom.sha256") == "$sum" ]] && compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null; then
    echo "kafka: jars already in $LIB"; return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (deploy/local/install.sh installs it)"
  echo "kafka: resolving broker jars from Maven Central into $LIB"
  rm -rf "$LIB.new"
  mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIB.new" >"$LOGS/kafka-install.log" 2>&1 \
    || { show_tail "$LOGS/kafka-install.log"; die "maven could not resolve $POM"; }
  echo "$sum" >"$LIB.new/.pom.sha256"
  rm -rf "$LIB" && mv "$LIB.new" "$LIB"   # swap in only a complete classpath
}

# Only log lines written since this start count (the log file is appended to).
started_since() { port_open "$HOST" "$PORT" && tail -c "+$(($1 + 1))" "$LOG" 2>/dev/null | grep -q 'Kafka Server started'; }

start() {
  local pid
  if pid=$(pid_of "$PIDFILE" kafka.Kafka); then echo "kafka: already running (pid $pid)"; return 0; fi
  for p in "$PORT" "$CONTROLLER_PORT"; do
    ! port_open "$HOST" "$p" || die "kafka: port $p is already in use by a process we did not start"
  done
  install
  mkdir -p "$DATA"
  # Rendered on every start so template edits apply; data dir path is absolute.
  sed "s#@KAFKA_DATA_DIR@#$DATA#g" "$LOCAL_DIR/kafka/server.properties.in" >"$KDIR/server.properties"
  if [[ ! -s $KDIR/cluster-id ]]; then   # 22-char url-safe base64 of a random UUID, as StorageTool random-uuid
    python3 -c 'import base64,uuid;print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))' >"$KDIR/cluster-id"
  fi
  if [[ ! -f $DATA/meta.properties ]]; then   # format the storage exactly once (-g: ignore if already formatted)
    # --cluster-id=ID, not -t ID: a base64 id starts with "-" one time in 32, and would be read as an option.
    echo "kafka: formatting storage (cluster id $(<"$KDIR/cluster-id"))"
    java "${JAVA_OPTS[@]}" -cp "$LIB/*" kafka.tools.StorageTool format -g \
      --cluster-id="$(<"$KDIR/cluster-id")" -c "$KDIR/server.properties" >>"$OUT" 2>&1 || { show_tail "$OUT"; die "kafka: storage format failed"; }
  fi
  local offset=0
  [[ -f $LOG ]] && offset=$(stat -c %s "$LOG")
  echo "kafka: starting broker on $HOST:$PORT"
  # setsid: own session/process group, survives this shell; no fds inherited except files.
  setsid java "${JAVA_OPTS[@]}" -cp "$LIB/*" kafka.Kafka "$KDIR/server.properties" >>"$OUT" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  if ! wait_for "$START_TIMEOUT" "Kafka on $HOST:$PORT" "$LOG" "$pid" started_since "$offset"; then
    show_tail "$OUT" 10; die "kafka: did not start (see $LOG and $OUT)"
  fi
  echo "kafka: started (pid $pid)"
}

status() {
  local pid
  if pid=$(pid_of "$PIDFILE" kafka.Kafka); then
    if port_open "$HOST" "$PORT"; then status_line kafka running "$pid" "$HOST:$PORT"; return 0; fi
    status_line kafka starting "$pid" "$HOST:$PORT not accepting yet"; return 0
  fi
  status_line kafka stopped; return 3
}

create_topics() {
  local prefix=$1 py="$VENV/bin/python"
  port_open "$HOST" "$PORT" || die "kafka: broker is not running (kafka.sh start)"
  if [[ ! -x $py ]] || ! "$py" -c 'import importlib.util as u,sys; sys.exit(u.find_spec("leap_contracts") is None or u.find_spec("leap_contracts.topics") is None)' 2>/dev/null; then
    echo "kafka: leap_contracts.topics is not installed yet; skipping topic creation" >&2
    return 0
  fi
  echo "kafka: creating topics (prefix '${prefix}')"
  "$py" -m leap_contracts.topics --bootstrap "$HOST:$PORT" --prefix "$prefix"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_pid "$PIDFILE" kafka.Kafka kafka 60 ;;
  status) status ;;
  create-topics) [[ $# -ge 2 ]] || die "usage: kafka.sh create-topics PREFIX   (use \"\" for no prefix)"
    create_topics "$2" ;;
  *) echo "usage: $0 {install|start|stop|status|create-topics PREFIX}" >&2; exit 2 ;;
esac
