#!/usr/bin/env bash
# Publishes generated FEMA declarations and NWS alerts (about 6 % deliberately bad) to each
# tenant's own topics, so the jobs have something to accept, reject and write.
#
#   deploy/local/publish.sh --config FILE [--tenant ID] [--count N]
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

config=""
args=()
while (($#)); do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --tenant) args+=(--tenant "$2"); shift 2 ;;
    --count) args+=(--count "$2"); shift 2 ;;
    *) die "unknown option $1 (usage: --config FILE [--tenant ID] [--count N])" ;;
  esac
done
[[ -n "$config" ]] || die "--config FILE is required"
ensure_built
run_local publish "$config" "${args[@]+"${args[@]}"}"
