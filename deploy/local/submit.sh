#!/usr/bin/env bash
# Submits tenants' jobs, detached, to the cluster with the flink wrapper (flink run -d):
#
#   deploy/local/submit.sh --config FILE --tenant ID
#   deploy/local/submit.sh --config FILE --all
#
# A tenant with security_enhancements.dedicated_processing goes to its own cluster
# (flink-cluster.sh start --tenant ID), never to the shared one: without it running, its job is
# not submitted and the script fails. Every other tenant goes to the shared cluster.
#
# With your own Flink installation, the same is: flink run -d jobs/target/enclave-jobs.jar --config FILE --tenant ID
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

config=""
tenants=()
all=false
while (($#)); do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --tenant) tenants+=("$2"); shift 2 ;;
    --all) all=true; shift ;;
    *) die "unknown option $1 (usage: --config FILE --tenant ID | --all)" ;;
  esac
done
[[ -n "$config" ]] || die "--config FILE is required"
[[ -f "$config" ]] || die "no such config file: $config"
if [[ "$all" == true ]]; then
  ((${#tenants[@]} == 0)) || die "--tenant and --all exclude each other"
  ensure_built
  mapfile -t tenants < <(run_local tenants "$config")
fi
((${#tenants[@]} > 0)) || die "name a tenant with --tenant ID, or use --all"
ensure_built

# Fails closed: a config that cannot be read routes nothing, rather than a dedicated tenant to the shared cluster.
dedicated_ids="$(run_local tenants "$config" --dedicated)" || die "cannot read the tenants of $config"
mapfile -t dedicated <<<"$dedicated_ids"
is_dedicated() {
  local id
  for id in "${dedicated[@]+"${dedicated[@]}"}"; do
    [[ "$id" == "$1" ]] && return 0
  done
  return 1
}
# Before anything is submitted: every dedicated tenant named has its own cluster running.
for tenant in "${tenants[@]}"; do
  if is_dedicated "$tenant" && ! is_running "$(cluster_dir "$tenant")/jobmanager.pid"; then
    die "tenant $tenant sets dedicated_processing, and no cluster of its own runs; start it with" \
      "flink-cluster.sh start --tenant $tenant --config $config -D rest.port=PORT -D jobmanager.rpc.port=PORT"
  fi
done

[[ "$ENCLAVE_DEV" == 1 ]] && echo "submit.sh: development mode (ENCLAVE_DEV=1): dev-only secrets, short passwords and Kafka without TLS are accepted" >&2
for tenant in "${tenants[@]}"; do
  if is_dedicated "$tenant"; then
    echo "submitting tenant_${tenant}_emergency_processing to its own cluster ..."
    "$here/flink" --tenant "$tenant" run -d "$job_jar" --config "$config" --tenant "$tenant"
  else
    echo "submitting tenant_${tenant}_emergency_processing ..."
    "$here/flink" run -d "$job_jar" --config "$config" --tenant "$tenant"
  fi
done
