# shellcheck shell=bash
# Shared helpers for deploy/local/*.sh. Sourced, never executed.
# Every path is derived from this file's location, so a checkout anywhere works.
# shellcheck disable=SC2034  # the variables are used by the scripts sourcing this

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
STATE="$ROOT/.state"
LOGS="$STATE/logs"
RUN="$STATE/run"
VENV="$STATE/venv"
ENV_FILE="$STATE/platform.env"
# Deadline (seconds) for anything we start to become ready; raise it on slow CI.
START_TIMEOUT=${START_TIMEOUT:-60}
mkdir -p "$LOGS" "$RUN"

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# One line of a status table: NAME STATE PID DETAIL
status_line() { printf '%-15s %-14s %-8s %s\n' "$1" "$2" "${3:--}" "${4:-}"; }

# Print the last lines of a log file to stderr (used on every failure).
show_tail() {
  [[ -f $1 ]] || return 0
  printf -- '--- last %s lines of %s ---\n' "${2:-30}" "$1" >&2
  tail -n "${2:-30}" "$1" >&2
}

# alive PID: the process exists and is not a zombie.
alive() {
  [[ $1 =~ ^[0-9]+$ && -r /proc/$1/stat ]] || return 1
  local stat; stat=$(</proc/"$1"/stat) || return 1
  stat=${stat##*) }            # drop "pid (comm) " (comm may contain spaces)
  [[ ${stat%% *} != Z ]]
}

# pid_of PIDFILE PATTERN: print the pid if it is alive and its command line
# contains PATTERN (guards against a stale pid file whose pid was reused).
pid_of() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(<"$1")
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2" || return 1
  echo "$pid"
}

# port_open HOST PORT: something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for TIMEOUT WHAT LOG PID CMD...: run CMD every 0.2 s until it succeeds.
# Fails (with the log tail) when TIMEOUT seconds pass or when PID (if not
# empty) has exited, so a crashed process is reported at once, not after 60 s.
wait_for() {
  local timeout=$1 what=$2 log=$3 pid=$4; shift 4
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if [[ -n $pid ]] && ! alive "$pid"; then
      printf 'ERROR: process %s exited while waiting for %s\n' "$pid" "$what" >&2
      show_tail "$log"; return 1
    fi
    if ((SECONDS >= deadline)); then
      printf 'ERROR: timed out after %ss waiting for %s\n' "$timeout" "$what" >&2
      show_tail "$log"; return 1
    fi
    sleep 0.2
  done
}

# stop_pid PIDFILE PATTERN NAME [TIMEOUT]: SIGTERM the process group (our
# processes are started with setsid, so pgid == pid), wait, SIGKILL at the deadline.
stop_pid() {
  local pidfile=$1 pattern=$2 name=$3 timeout=${4:-30} pid
  if ! pid=$(pid_of "$pidfile" "$pattern"); then
    rm -f "$pidfile"; echo "$name: not running"; return 0
  fi
  echo "$name: stopping (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      echo "$name: still running after ${timeout}s, sending SIGKILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 10))
      while alive "$pid"; do ((SECONDS < deadline)) || die "$name: pid $pid survived SIGKILL"; sleep 0.2; done
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"; echo "$name: stopped"
}

# load_platform_env: export the variables of .state/platform.env that are not
# already set in the environment (explicit environment wins).
load_platform_env() {
  [[ -f $ENV_FILE ]] || return 0
  local line key
  while IFS= read -r line; do
    [[ $line =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || continue
    key=${BASH_REMATCH[1]}
    [[ -n ${!key+x} ]] || export "$key=${BASH_REMATCH[2]}"
  done <"$ENV_FILE"
}
