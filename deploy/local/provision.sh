#!/usr/bin/env bash
# Creates what each tenant's job needs locally: its two data topics and its audit topic on the broker, and its database,
# tables and database user. Idempotent.
#
#   deploy/local/provision.sh --config FILE [--tenant ID]
#
# The database administrator is root with the local MariaDB's password, unless
# ENCLAVE_DB_ADMIN_USER / ENCLAVE_DB_ADMIN_PASSWORD say otherwise.
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

config=""
args=()
while (($#)); do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --tenant) args+=(--tenant "$2"); shift 2 ;;
    *) die "unknown option $1 (usage: --config FILE [--tenant ID])" ;;
  esac
done
[[ -n "$config" ]] || die "--config FILE is required"
ensure_built
run_tool io.enclave.deploy.LocalTools provision "$config" "${args[@]+"${args[@]}"}"
