#!/usr/bin/env bash
# The project's benchmark: the hot path (a verified, cached, proxied GET) against nginx as a plain keep-alive
# reverse proxy, in one run on this machine. Prints one table: requests/s, p50/p99 latency, errors, and the CPU
# time each server spent per request (from /proc), with the ratio to nginx.
#
#   bench/run.sh [--warmup SECONDS] [--duration SECONDS] [--rounds N] [--connections N] [--links N] [--jfr]
#                [--threads]
#
# The proxied rows run --rounds times, interleaved (upstream, nginx, gateway, for each body, per round), so that
# a slow minute of the machine hits both sides; the table shows each target's median round, the spread of its CPU
# per request over the rounds, and the median of the per-round ratios to nginx.
# --threads adds, for each gateway row, where its CPU went by thread group (event loop, GC, JIT, ...).
#
# Needs Debian's nginx and wrk:  sudo apt-get install nginx wrk   (plus curl and a JDK 17+).
# Everything it starts, it stops by process id; its files live in a temporary directory that it removes.
set -euo pipefail

WARMUP=60
DURATION=10
ROUNDS=3
CONNECTIONS=32
LINKS=3000
JFR=false
THREADS=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) WARMUP=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --links) LINKS=$2; shift 2 ;;
    --jfr) JFR=true; shift ;;
    --threads) THREADS=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

for tool in nginx wrk curl java; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench: '$tool' is missing. Install the tools with: sudo apt-get install nginx wrk curl" >&2
    exit 1
  fi
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/securelink-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$(shuf -i 20000-60000 -n 1)
    ss -ltn "( sport = :$port )" 2>/dev/null | grep -q LISTEN || { echo "$port"; return; }
  done
}

CORES=$(nproc)
# The server under test gets the last core, the load generator and the upstream the others (on one core: shared).
SERVER_CPU=$((CORES - 1))
CLIENT_CPUS=$([[ $CORES -gt 1 ]] && echo "0-$((CORES - 2))" || echo 0)
CLK_TCK=$(getconf CLK_TCK)

JAR=$(ls "$ROOT"/target/securelink-gateway-*.jar 2>/dev/null | grep -v plain | head -1 || true)
if [[ -z "$JAR" ]]; then
  echo "bench: building the gateway jar" >&2
  (cd "$ROOT" && ./mvnw -q -B -DskipTests package)
  JAR=$(ls "$ROOT"/target/securelink-gateway-*.jar | head -1)
fi
# The jar carries no embedded PostgreSQL (production never runs one): the benchmark adds it from the build's
# provided dependencies, through Boot's PropertiesLauncher and loader.path, without changing the jar itself.
EMBEDDED_LIB="$ROOT/target/bench-embedded-lib"
if [[ ! -d "$EMBEDDED_LIB" ]]; then
  (cd "$ROOT" && ./mvnw -q -B dependency:copy-dependencies -DincludeScope=provided \
    -DincludeGroupIds=io.zonky.test,io.zonky.test.postgres,org.tukaani,org.apache.commons \
    -DoutputDirectory="$EMBEDDED_LIB")
fi

UPSTREAM_PORT=$(free_port); PROXY_PORT=$(free_port); GATEWAY_PORT=$(free_port)
MANAGEMENT_PORT=$(free_port); DEMO_PORT=$(free_port)

# --- the document service: nginx serving a 200-byte and a 30 KB file ------------------------------------------
mkdir -p "$WORK/www/bench" "$WORK/nginx"
# nginx workers may run as an unprivileged user: let them read the files and use their temp paths.
chmod 755 "$WORK"
head -c 200 /dev/zero | tr '\0' 'a' > "$WORK/www/bench/small"
head -c 30720 /dev/zero | tr '\0' 'b' > "$WORK/www/bench/large"
chmod -R a+rwX "$WORK/www" "$WORK/nginx"
cat > "$WORK/nginx/upstream.conf" <<EOF
worker_processes 1; daemon off; pid $WORK/nginx/upstream.pid; error_log $WORK/nginx/upstream-error.log warn;
events { worker_connections 4096; }
http {
  access_log off; sendfile on; tcp_nodelay on; keepalive_requests 1000000; keepalive_timeout 120s;
  client_body_temp_path $WORK/nginx/up-body; proxy_temp_path $WORK/nginx/up-proxy;
  fastcgi_temp_path $WORK/nginx/up-fcgi; uwsgi_temp_path $WORK/nginx/up-uwsgi; scgi_temp_path $WORK/nginx/up-scgi;
  server { listen 127.0.0.1:$UPSTREAM_PORT; root $WORK/www; default_type application/octet-stream; }
}
EOF
# --- nginx as a plain keep-alive reverse proxy: the yardstick -----------------------------------------------------
cat > "$WORK/nginx/proxy.conf" <<EOF
worker_processes 1; daemon off; pid $WORK/nginx/proxy.pid; error_log $WORK/nginx/proxy-error.log warn;
events { worker_connections 4096; }
http {
  access_log off; tcp_nodelay on; keepalive_requests 1000000; keepalive_timeout 120s;
  client_body_temp_path $WORK/nginx/px-body; proxy_temp_path $WORK/nginx/px-proxy;
  fastcgi_temp_path $WORK/nginx/px-fcgi; uwsgi_temp_path $WORK/nginx/px-uwsgi; scgi_temp_path $WORK/nginx/px-scgi;
  upstream documents { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / { proxy_pass http://documents; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
taskset -c "$CLIENT_CPUS" nginx -c "$WORK/nginx/upstream.conf" -p "$WORK/nginx" >/dev/null 2>&1 &
PIDS+=($!)
taskset -c "$SERVER_CPU" nginx -c "$WORK/nginx/proxy.conf" -p "$WORK/nginx" >/dev/null 2>&1 &
PIDS+=($!)

# --- the gateway, on its embedded PostgreSQL, with the demo's token issuer -----------------------------------------
JAVA_OPTS=(-Xms512m -Xmx512m -XX:+UseParallelGC "-Dreactor.netty.ioWorkerCount=1")
# Extra JVM options for an experiment, e.g. BENCH_JAVA_OPTS="-Dio.netty.allocator.type=pooled" bench/run.sh
read -r -a EXTRA_JAVA_OPTS <<< "${BENCH_JAVA_OPTS:-}"
JAVA_OPTS+=("${EXTRA_JAVA_OPTS[@]}")
if $JFR; then
  JAVA_OPTS+=("-XX:StartFlightRecording=filename=$ROOT/target/bench.jfr,settings=profile")
  echo "bench: JFR recording to target/bench.jfr" >&2
fi
# wrk drives one session over all its connections, where a browser opens at most six per host: the per-session
# limit (8 by default) is raised to the connection count, so that its check is measured but never refuses.
taskset -c "$SERVER_CPU" java "${JAVA_OPTS[@]}" -Dloader.path="$EMBEDDED_LIB" -cp "$JAR" \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  --spring.profiles.active=demo --securelink.database.embedded=true \
  --server.port="$GATEWAY_PORT" --management.server.port="$MANAGEMENT_PORT" \
  --securelink.demo.port="$DEMO_PORT" --securelink.data-dir="$WORK/data" \
  --securelink.public-base-url="http://127.0.0.1:$GATEWAY_PORT" \
  --securelink.upstream.url="http://127.0.0.1:$UPSTREAM_PORT" \
  --securelink.upstream.max-connections-per-session="$CONNECTIONS" \
  --securelink.access-log=false --logging.level.root=WARN --logging.level.dev.securelink=WARN \
  > "$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=($GATEWAY_PID)

echo "bench: waiting for the gateway" >&2
for _ in $(seq 180); do
  grep -q "export TOKEN=" "$WORK/gateway.log" 2>/dev/null && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { cat "$WORK/gateway.log" >&2; exit 1; }
  sleep 1
done
TOKEN=$(grep -o "export TOKEN=[^ ]*" "$WORK/gateway.log" | head -1 | cut -d= -f2)
BASE="http://127.0.0.1:$GATEWAY_PORT"
ADMIN=(-s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")

# A tenant with the e-mail check off, so a GET of the link issues the session the load then uses.
curl "${ADMIN[@]}" -X PUT -d '{"emailVerification": false, "supportAccess": false}' \
  "$BASE/admin/v1/tenants/demo/settings" >/dev/null
create_link() {
  curl "${ADMIN[@]}" -X POST -d '{"document": "/bench", "recipients": ["bench@example.com"]}' \
    "$BASE/admin/v1/tenants/demo/links" | sed -E 's/.*"url":"[^"]*\/l\/([A-Za-z0-9_-]+)".*/\1/'
  echo
}
CODE=$(create_link | head -1)
COOKIE=$(curl -s -o /dev/null -D - "$BASE/l/$CODE" | tr -d '\r' | grep -i '^set-cookie: __Host-sls-' | head -1 \
  | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*);.*/\1/')
LINK_ID=$(echo "$COOKIE" | sed -E 's/__Host-sls-([A-Za-z0-9_-]{16})=.*/\1/')
[[ -n "$LINK_ID" ]] || { echo "bench: could not obtain a session" >&2; exit 1; }

# The load behaves like a browser: it sends the session cookie and replaces it when the gateway refreshes it.
cat > "$WORK/session.lua" <<'LUA'
local cookie = os.getenv("BENCH_COOKIE")
request = function()
  return wrk.format(nil, nil, { ["Cookie"] = cookie })
end
response = function(status, headers, body)
  local refreshed = headers["set-cookie"] or headers["Set-Cookie"]
  if refreshed then cookie = refreshed:match("^([^;]+)") end
end
LUA
export BENCH_COOKIE="$COOKIE"

cpu_ticks() { # utime + stime of the processes in $@ and their children
  local total=0 pid
  for pid in "$@" $(for p in "$@"; do pgrep -P "$p" || true; done); do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
nginx_pid() { cat "$WORK/nginx/$1.pid"; }
thread_ticks() { # "group ticks" per thread of process $1; the group is the thread name without its numbers
  local task
  for task in /proc/"$1"/task/*; do
    [[ -r $task/stat ]] || continue
    printf '%s %s\n' "$(tr -d '0-9 #' < "$task/comm")" "$(sed -E 's/^.*\) //' "$task/stat" | awk '{print $12 + $13}')"
  done | awk '{t[$1] += $2} END {for (g in t) print g, t[g]}'
}
THREAD_REPORT="$WORK/threads.txt"
: > "$THREAD_REPORT"

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
ROUND=1
run() { # name url server-pids...
  local name=$1 url=$2; shift 2
  local before after out requests
  before=$(cpu_ticks "$@")
  local threads_before=""
  if $THREADS && [[ $1 == "$GATEWAY_PID" ]]; then threads_before=$(thread_ticks "$1"); fi
  out=$(taskset -c "$CLIENT_CPUS" wrk --latency -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/session.lua" "$url")
  after=$(cpu_ticks "$@")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  if [[ -n $threads_before ]]; then
    { echo "$name (round $ROUND): CPU µs per request by thread group"
      { echo "$threads_before" | sed 's/^/before /'; thread_ticks "$1" | sed 's/^/after /'; } | awk -v hz="$CLK_TCK" -v r="$requests" '
        $1 == "before" { b[$2] = $3 } $1 == "after" { a[$2] = $3 }
        END { for (g in a) { d = (a[g] - b[g]) / hz * 1e6 / r; if (d >= 0.05) printf "  %-28s %8.1f\n", g, d } }' | sort -k2 -nr
    } >> "$THREAD_REPORT"
  fi
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}')
  local us
  us=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v r="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / r}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$requests" "$rps" "$p50" "$p99" "$errors" "$us" "$ROUND" \
    >> "$RESULTS"
}

echo "bench: warming up the JVM for ${WARMUP}s" >&2
taskset -c "$CLIENT_CPUS" wrk -t1 -c"$CONNECTIONS" -d"$((WARMUP / 2))s" -s "$WORK/session.lua" \
  "$BASE/d/$LINK_ID/small" >/dev/null
taskset -c "$CLIENT_CPUS" wrk -t1 -c"$CONNECTIONS" -d"$((WARMUP - WARMUP / 2))s" -s "$WORK/session.lua" \
  "$BASE/d/$LINK_ID/large" >/dev/null

echo "bench: measuring, ${DURATION}s per row, $ROUNDS rounds" >&2
UP=$(nginx_pid upstream); PX=$(nginx_pid proxy)
for ROUND in $(seq "$ROUNDS"); do
  run "upstream direct, 200 B" "http://127.0.0.1:$UPSTREAM_PORT/bench/small" "$UP"
  run "nginx proxy, 200 B" "http://127.0.0.1:$PROXY_PORT/bench/small" "$PX"
  run "gateway, 200 B" "$BASE/d/$LINK_ID/small" "$GATEWAY_PID"
  run "upstream direct, 30 KB" "http://127.0.0.1:$UPSTREAM_PORT/bench/large" "$UP"
  run "nginx proxy, 30 KB" "http://127.0.0.1:$PROXY_PORT/bench/large" "$PX"
  run "gateway, 30 KB" "$BASE/d/$LINK_ID/large" "$GATEWAY_PID"
done
ROUND=1

# Cache misses: each request opens a different link for the first time (one indexed query, a new session).
echo "bench: creating $LINKS links for the cache-miss row" >&2
for _ in $(seq "$LINKS"); do create_link; done > "$WORK/codes.txt"
[[ $(grep -c . "$WORK/codes.txt") -eq "$LINKS" ]] || { echo "bench: could not create the links" >&2; exit 1; }
cat > "$WORK/miss.lua" <<EOF
local codes, sent, done = {}, 0, 0
for line in io.lines("$WORK/codes.txt") do codes[#codes + 1] = line end
request = function()
  sent = sent + 1
  return wrk.format("GET", "/l/" .. codes[((sent - 1) % #codes) + 1])
end
response = function(status, headers, body)
  done = done + 1
  if done >= #codes then wrk.thread:stop() end
end
EOF
before=$(cpu_ticks "$GATEWAY_PID")
out=$(taskset -c "$CLIENT_CPUS" wrk --latency -t1 -c8 -d"${DURATION}s" -s "$WORK/miss.lua" "$BASE")
after=$(cpu_ticks "$GATEWAY_PID")
requests=$(echo "$out" | awk '/requests in/ {print $1}')
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "gateway, first open of $LINKS links (miss)" "$requests" \
  "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$(echo "$out" | awk '$1 == "50%" {print $2}')" \
  "$(echo "$out" | awk '$1 == "99%" {print $2}')" \
  "$(echo "$out" | awk '/Non-2xx/ {n += $NF} END {print n + 0}')" \
  "$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v r="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / r}')" \
  1 >> "$RESULTS"

echo
echo "securelink-gateway benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s per row, $ROUNDS rounds; server under test pinned to CPU $SERVER_CPU, wrk and upstream to $CLIENT_CPUS"
echo "Each target: its median round (by CPU per request), errors over all rounds, CPU per request min-max over the"
echo "rounds, and the median of the per-round ratios (gateway / nginx proxy in the same round) with their min-max."
echo
awk -F'\t' '
  function body(name) { return (name ~ /200 B/) ? "small" : ((name ~ /30 KB/) ? "large" : "") }
  { if (!($1 in count)) order[++targets] = $1
    n = ++count[$1]; cpu[$1, n] = $7; line[$1, n] = $0; errors[$1] += $6
    if ($1 ~ /^nginx proxy/) nginx[body($1), $8] = $7 }
  END {
    printf "%-40s %9s %9s %9s %9s %7s %10s %13s %17s\n", "target", "requests", "req/s", "p50", "p99", "errors",
      "CPU µs/req", "(min-max)", "× nginx (min-max)"
    for (t = 1; t <= targets; t++) {
      name = order[t]; n = count[name]
      for (i = 1; i <= n; i++) { rank[i] = i }
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (cpu[name, rank[j]] < cpu[name, rank[i]]) { k = rank[i]; rank[i] = rank[j]; rank[j] = k }
      split(line[name, rank[int((n + 1) / 2)]], f, "\t")
      spread = (n > 1) ? sprintf("(%s-%s)", cpu[name, rank[1]], cpu[name, rank[n]]) : ""
      ratios = ""
      if (body(name) != "" && name !~ /miss/) {
        m = 0
        for (i = 1; i <= n; i++) {
          split(line[name, i], g, "\t"); base = nginx[body(name), g[8]]
          if (base > 0) r[++m] = g[7] / base
        }
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (r[j] < r[i]) { x = r[i]; r[i] = r[j]; r[j] = x }
        if (m > 0) ratios = (m > 1) ? sprintf("%.2f (%.2f-%.2f)", r[int((m + 1) / 2)], r[1], r[m]) : sprintf("%.2f", r[1])
      }
      printf "%-40s %9s %9s %9s %9s %7s %10s %13s %17s\n", f[1], f[2], f[3], f[4], f[5], errors[name], f[7], spread,
        ratios
    }
  }' "$RESULTS"
if $THREADS; then echo; cat "$THREAD_REPORT"; fi
