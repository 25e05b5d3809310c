#!/usr/bin/env bash
# Shared by the deploy/local scripts: paths, the build check, PID files and port waits.
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
# Every process a script starts is recorded in a PID file under the run dir; stop acts only on
# those PIDs, never on process names, so other Flink, Kafka or MariaDB processes are untouched.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd "$here/../.." && pwd)"
# One run dir per local installation; tests point it elsewhere so they never meet a user's cluster.
run_dir="${ENCLAVE_RUN_DIR:-$home/.enclave/local}"
# Exported so that paths in tenants.yaml (the key store) resolve alike in every process.
export ENCLAVE_RUN_DIR="$run_dir"
# The Enclave home: tenants' default checkpoint and savepoint directories are under
# $ENCLAVE_HOME/.enclave/state/<tenant>, never /tmp. The flink client that submits a job reads it.
export ENCLAVE_HOME="${ENCLAVE_HOME:-$home}"
# A local installation runs on the examples' dev-only secrets and Kafka without TLS: development
# mode. The config loader refuses those without it; ENCLAVE_DEV=0 tries your real secrets here.
export ENCLAVE_DEV="${ENCLAVE_DEV:-1}"
flink_lib="$home/deploy/flink-lib/target/lib"
job_jar="$home/jobs/target/enclave-jobs.jar"
# The ops CLI's distribution as the build unpacks it (the content of enclave-VERSION.tar.gz):
# bin/enclave runs `enclave local ...`, and its lib/ holds the broker's and MariaDB's jars too.
cli_dist="$home/deploy/cli/target/enclave"

# The run dir of the shared Flink cluster, or with a tenant id, of that tenant's dedicated one.
cluster_dir() {
  if [[ -n "${1:-}" ]]; then
    echo "$run_dir/flink-$1"
  else
    echo "$run_dir/flink"
  fi
}

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Builds the project once, as ./enclave does, if the cluster lib/, the CLI or the job jar are missing.
ensure_built() {
  if [[ ! -d "$flink_lib" || ! -x "$cli_dist/bin/enclave" || ! -f "$job_jar" ]]; then
    echo "$(basename "$0"): building the project once (mvn -DskipTests package) ..." >&2
    (cd "$home" && mvn -B -q -DskipTests package) >&2
  fi
}

# The CLI's jars, for the servers that run from them (Kafka's own main classes); java expands the *.
cli_classpath() {
  echo "$cli_dist/lib/*"
}

# Runs `enclave local ARGS` in the foreground, logging as deploy/local's tools do.
run_local() {
  ENCLAVE_JAVA_OPTS="-Dlog4j2.configurationFile=$here/log4j2-tools.properties ${ENCLAVE_JAVA_OPTS:-}" \
    "$cli_dist/bin/enclave" local "$@"
}

is_running() {
  local pid_file="$1"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# Stops the process recorded in a PID file: SIGTERM, then SIGKILL after a grace period.
stop_recorded() {
  local name="$1" pid_file="$2" grace="${3:-30}"
  if ! is_running "$pid_file"; then
    rm -f "$pid_file"
    echo "$name: not running"
    return 0
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= grace * 10)); then
      echo "$name: still running after ${grace}s, killing pid $pid" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  echo "$name: stopped (pid $pid)"
}

port_open() {
  local port="$1"
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Waits until a port accepts connections, failing early (with the log's tail) if the process died.
wait_for_port() {
  local name="$1" port="$2" pid_file="$3" log="$4" timeout="${5:-120}"
  local waited=0
  until port_open "$port"; do
    if ! is_running "$pid_file"; then
      echo "$name exited during start; last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      return 1
    fi
    if ((waited >= timeout)); then
      echo "$name did not open port $port within ${timeout}s; see $log" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# GET over plain HTTP with bash alone (a fresh machine may have no curl); prints the body.
http_get() {
  local port="$1" path="$2"
  local response
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
  response="$(cat <&3)"
  exec 3<&-
  printf '%s\n' "${response#*$'\r\n\r\n'}"
}
