#!/usr/bin/env bash
# Submits tenants' jobs, detached, to the cluster with the flink wrapper (flink run -d):
#
#   deploy/local/submit.sh --config FILE --tenant ID
#   deploy/local/submit.sh --config FILE --all
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

[[ "$ENCLAVE_DEV" == 1 ]] && echo "submit.sh: development mode (ENCLAVE_DEV=1): dev-only secrets, short passwords and Kafka without TLS are accepted" >&2
for tenant in "${tenants[@]}"; do
  echo "submitting tenant_${tenant}_emergency_processing ..."
  "$here/flink" run -d "$job_jar" --config "$config" --tenant "$tenant"
done
