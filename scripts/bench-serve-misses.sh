#!/usr/bin/env bash
# `gatehouse serve` under wrk on either backend (BENCHMARKS.md, issue #17): /auth/check with one
# token (answered from the verification cache) and with a round robin over SECRETS (more distinct
# tokens than the cache holds, so every request reads the database: the uncached rate through
# the whole server). wrk -t1 -c32, medians of RUNS runs of DURATION.
#   scripts/bench-serve-misses.sh DB SECRETS      (DB: an SQLite path or a postgresql:// URL)
set -euo pipefail
cd "$(dirname "$0")/.."
db=$1
secrets=$2
gatehouse=${GATEHOUSE:-$PWD/.build-bench/release/gatehouse}
duration=${DURATION:-10s}
runs=${RUNS:-3}
work=$(mktemp -d /tmp/gatehouse-bench-misses.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export GATEHOUSE_RESOURCES=$PWD/Resources
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cat >"$work/rr.lua" <<'LUA'
local tokens = {}
for line in io.lines(os.getenv("SECRETS")) do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. tokens[(i % #tokens) + 1]})
end
LUA
"$gatehouse" serve --listen 127.0.0.1:0 --db "$db" --failure-limit 1000000 --log-level warning >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
for _ in $(seq 300); do grep -q Listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/serve.out")
# Any organization and scope: the figure is the verification; a 403 (token of another org) still verified it.
check="http://127.0.0.1:$port/auth/check?org=Default&scope=vso.code"
one=$(head -1 "$secrets")
measure() {  # label, wrk arguments…
    local label=$1; shift
    local values=()
    for _ in $(seq "$runs"); do values+=("$(SECRETS=$secrets wrk -t1 -c32 -d"$duration" "$@" | awk '/Requests\/sec/ {print $2}')"); done
    printf '%-58s %s   (runs: %s)\n' "$label" "$(printf '%s\n' "${values[@]}" | median)" "${values[*]}"
}
echo "$(date -u) on $( [[ $db == postgres* ]] && echo PostgreSQL || echo SQLite ), load $(cut -d' ' -f1-3 /proc/loadavg)"
measure "/auth/check, one token (cached)" -H "Authorization: Bearer $one" "$check"
measure "/auth/check, $(wc -l <"$secrets") tokens round robin (every request a miss)" -s "$work/rr.lua" "$check"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^gatehouse_verifications_total' || true
