#!/usr/bin/env bash
# Creates what each tenant's job needs locally, with `enclave local provision`, which runs the ops
# CLI's provisioning (as `./enclave provision` does): on the broker its data and audit topics, the
# SCRAM users of its job and publisher, ACLs that let each do exactly its part on the tenant's own
# topics, groups and transactional ids, and quotas; then its database, tables, database user and
# grants; then its keys. Idempotent; a line per resource says what it did.
#
#   deploy/local/provision.sh --config FILE [--tenant ID]
#
# Kafka is provisioned as the broker's super user, from the client properties kafka.sh wrote
# (ENCLAVE_RUN_DIR/kafka/admin.properties) unless ENCLAVE_KAFKA_ADMIN_CONFIG names another file.
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
kafka_admin_config="${ENCLAVE_KAFKA_ADMIN_CONFIG:-$run_dir/kafka/admin.properties}"
[[ -f "$kafka_admin_config" ]] || die "no Kafka admin client properties at $kafka_admin_config; start deploy/local/kafka.sh first"
run_local provision "$config" --kafka-admin-config "$kafka_admin_config" \
  "${args[@]+"${args[@]}"}"
