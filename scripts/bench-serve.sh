#!/usr/bin/env bash
# Benchmarks of `gatehouse serve` (BENCHMARKS.md, "gatehouse serve under wrk"): wrk -t1 -c32 on
# loopback, medians of 3 runs of 10 s, all in one run of this script:
#   1. GET /auth/check with a valid token, straight to gatehouse  vs  nginx `return 204`;
#   2. nginx → auth_request → gatehouse → static file  vs  nginx auth_basic (htpasswd) → the same file;
#   3. p99 latency at about half of the peak rate of 1 (wrk's Lua delay() paces each connection);
#   4. a token revoked by the CLI while wrk loads it: refused by the next request.
# Needs a release build in .build-bench (see README, Benchmarks), wrk, nginx and htpasswd
# (apache2-utils). Everything listens on 127.0.0.1; nginx runs with its own prefix in a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
gatehouse=${GATEHOUSE:-$PWD/.build-bench/release/gatehouse}
duration=${DURATION:-10s}
runs=${RUNS:-3}
work=$(mktemp -d /tmp/gatehouse-bench-serve.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export GATEHOUSE_RESOURCES=$PWD/Resources

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# wrk's Requests/sec of one run.
rate() { wrk -t1 -c32 -d"$duration" "$@" | awk '/Requests\/sec/ {print $2}'; }
measure() {  # label, wrk arguments…
    local label=$1; shift
    local values=()
    for _ in $(seq "$runs"); do values+=("$(rate "$@")"); done
    printf '%-48s %s   (runs: %s)\n' "$label" "$(printf '%s\n' "${values[@]}" | median)" "${values[*]}"
}

db=$work/gatehouse.sqlite
"$gatehouse" users list --db "$db" >/dev/null 2>&1
token=$("$gatehouse" tokens create --db "$db" --name bench --expires 30d --scope vso.code 2>/dev/null)
victim=$("$gatehouse" tokens create --db "$db" --name victim --expires 30d --scope vso.code 2>/dev/null)
victim_id=$("$gatehouse" tokens list --db "$db" --json 2>/dev/null | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin) if t["name"]=="victim"))')

"$gatehouse" serve --listen 127.0.0.1:0 --db "$db" --trusted-proxy 127.0.0.1 --failure-limit 1000000 --log-level "${LOG_LEVEL:-warning}" >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
for _ in $(seq 100); do grep -q Listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
gport=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/serve.out")
nport=$(free_port)

mkdir -p "$work/nginx/conf" "$work/nginx/logs" "$work/nginx/tmp" "$work/www"
cp Resources/nginx/*.conf "$work/nginx/conf/"
: >"$work/www/index"
htpasswd -bc "$work/nginx/conf/htpasswd" bench secret-password 2>/dev/null
cat >"$work/nginx/conf/nginx.conf" <<NGINX
daemon off;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $work/nginx/logs/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    upstream gatehouse { server 127.0.0.1:$gport; keepalive 64; }
    server {
        listen 127.0.0.1:$nport;
        root $work/www;
        include gatehouse-auth.conf;
        location = /return204 { return 204; }
        location = /basic/index { alias $work/www/index; auth_basic "bench"; auth_basic_user_file htpasswd; }
        location = /gatehouse/index {
            alias $work/www/index;
            set \$gatehouse_org Default;
            set \$gatehouse_scope vso.code;
            auth_request /_gatehouse/check;
            include gatehouse-answer.conf;
        }
    }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/conf/nginx.conf" -e "$work/nginx/logs/error.log" &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$nport/return204" && break; sleep 0.1; done

check="http://127.0.0.1:$gport/auth/check?org=Default&scope=vso.code"
echo "sanity: $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$check") gatehouse," \
     "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nport/return204") nginx," \
     "$(curl -s -o /dev/null -w '%{http_code}' -u "bench:secret-password" "http://127.0.0.1:$nport/basic/index") auth_basic," \
     "$(curl -s -o /dev/null -w '%{http_code}' -u "x:$token" "http://127.0.0.1:$nport/gatehouse/index") auth_request"
echo "wrk -t1 -c32 -d$duration, median of $runs (requests/s):"
measure "nginx return 204" "http://127.0.0.1:$nport/return204"
measure "gatehouse /auth/check (valid token)" -H "Authorization: Bearer $token" "$check"
measure "nginx auth_basic (htpasswd) → file" -H "Authorization: Basic $(printf 'bench:secret-password' | base64 -w0)" "http://127.0.0.1:$nport/basic/index"
measure "nginx auth_request → gatehouse → file" -H "Authorization: Basic $(printf 'x:%s' "$token" | base64 -w0)" "http://127.0.0.1:$nport/gatehouse/index"

# p99 at about half the peak of /auth/check: each of the 32 connections waits DELAY ms between requests.
peak=$(rate -H "Authorization: Bearer $token" "$check")
delay=$(python3 -c "print(max(1, round(32 * 1000 / ($peak / 2))))")
cat >"$work/paced.lua" <<LUA
function delay() return $delay end
LUA
echo "p99 at ~half peak (peak $peak/s; delay ${delay} ms per connection):"
for _ in $(seq "$runs"); do
    wrk -t1 -c32 -d"$duration" --latency -s "$work/paced.lua" -H "Authorization: Bearer $token" "$check" \
        | awk '/Requests\/sec/ {r=$2} /^ +99%/ {p=$2} /^ +50%/ {m=$2} END {print "  rate " r "/s  p50 " m "  p99 " p}'
done

# Revocation under load: wrk hammers the victim token while the CLI (another process) revokes it.
wrk -t1 -c32 -d6s -H "Authorization: Bearer $victim" "$check" >"$work/victim.wrk" &
wrk_pid=$!
sleep 2
"$gatehouse" tokens revoke --db "$db" "${victim_id:0:8}" --reason "bench" >/dev/null 2>&1
after=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $victim" "$check")
wait "$wrk_pid"
echo "revocation under load: next request after the CLI returned: $after; wrk: $(grep -E 'Non-2xx' "$work/victim.wrk" | xargs) of $(awk '/requests in/ {print $1}' "$work/victim.wrk") requests"
