#!/usr/bin/env bash
# The README's walkthrough as one script: the standalone Fulcrum, two local origins, a monitor, two pools and a
# load balancer for www.example.com, a few requests through it, and the dashboard's address.
#
#   scripts/walkthrough.sh           runs until Ctrl-C, then stops what it started
#   scripts/walkthrough.sh --check   checks a request through the load balancer, stops everything, exits 0
#
# Needs Java 17+, curl, jq, python3 (the origins) and openssl; builds the jar when it is missing. Everything lives in
# $FULCRUM_DEMO (default /tmp/fulcrum-demo): run it again and it reuses the data directory, its token and the objects
# it created, creating only what is missing. Any failing step stops the script with its message (set -e, jq -e).
set -euo pipefail

cd "$(dirname "$0")/.."
DEMO=${FULCRUM_DEMO:-/tmp/fulcrum-demo}
PROXY_PORT=${FULCRUM_DEMO_PROXY_PORT:-8080}
API_PORT=${FULCRUM_DEMO_API_PORT:-8081}
ORIGIN_PORTS=(${FULCRUM_DEMO_ORIGIN_PORTS:-9001 9002})
CHECK=false
[[ "${1:-}" == "--check" ]] && CHECK=true

for tool in java curl jq python3 openssl; do
  command -v "$tool" >/dev/null || { echo "walkthrough: $tool is needed" >&2; exit 1; }
done
JAR=dist/target/fulcrum-standalone.jar
if [[ ! -f "$JAR" ]]; then
  echo "== building $JAR"
  mvn -B -q -DskipTests package
fi

mkdir -p "$DEMO"
# The token is kept beside the data directory, so a second run signs in with the token the first one stored.
if [[ ! -s "$DEMO/token" ]]; then
  (umask 077 && openssl rand -hex 20 > "$DEMO/token")
fi
TOKEN=$(cat "$DEMO/token")

PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT
# Ctrl-C or a SIGTERM to this script ends it through the EXIT trap, which stops what it started.
trap 'exit 130' INT
trap 'exit 143' TERM

# Two origins, each serving its own name.
for port in "${ORIGIN_PORTS[@]}"; do
  mkdir -p "$DEMO/origin-$port"
  echo "hello from origin $port" > "$DEMO/origin-$port/index.html"
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$DEMO/origin-$port" > "$DEMO/origin-$port.log" 2>&1 &
  PIDS+=($!)
done

echo "== starting Fulcrum (log: $DEMO/fulcrum.log)"
FULCRUM_API_TOKEN=$TOKEN java -jar "$JAR" --data-dir "$DEMO/data" --bind 127.0.0.1 --port "$PROXY_PORT" \
  --api-port "$API_PORT" > "$DEMO/fulcrum.log" 2>&1 &
PIDS+=($!)
FULCRUM_PID=$!
for _ in $(seq 1 100); do
  grep -q '^Fulcrum ready' "$DEMO/fulcrum.log" && break
  kill -0 "$FULCRUM_PID" 2>/dev/null || { echo "walkthrough: Fulcrum did not start:" >&2; cat "$DEMO/fulcrum.log" >&2; exit 1; }
  sleep 0.2
done
grep -q '^Fulcrum ready' "$DEMO/fulcrum.log" || { echo "walkthrough: Fulcrum not ready after 20 s" >&2; exit 1; }

API=http://127.0.0.1:$API_PORT/client/v4
AUTH="Authorization: Bearer $TOKEN"
JSON="Content-Type: application/json"

# api METHOD PATH [BODY]: the call's result; fails the script, with the API's message, unless it succeeded.
api() {
  local answer
  answer=$(curl -sS -X "$1" -H "$AUTH" -H "$JSON" "$API$2" ${3:+-d "$3"})
  jq -e '.success' <<<"$answer" >/dev/null || { echo "walkthrough: $1 $2 failed: $answer" >&2; return 1; }
  jq -c '.result' <<<"$answer"
}

# find COLLECTION JQ-FILTER: the id of the first object the filter selects, or nothing.
find_id() {
  api GET "$1" | jq -r "[.[] | select($2)][0].id // empty"
}

ACCOUNT=$(api GET /accounts | jq -er '.[0].id')

ZONE=$(find_id "/zones?name=example.com" '.name == "example.com"')
[[ -n "$ZONE" ]] || ZONE=$(api POST /zones '{"name":"example.com","account":{"id":"'"$ACCOUNT"'"}}' | jq -er .id)

LB_API=/accounts/$ACCOUNT/load_balancers
MONITOR=$(find_id "$LB_API/monitors" '.description == "walkthrough"')
[[ -n "$MONITOR" ]] || MONITOR=$(api POST "$LB_API/monitors" '{"type":"http","path":"/","expected_codes":"2xx",
  "interval":5,"timeout":2,"retries":1,"description":"walkthrough"}' | jq -er .id)

pool() { # pool NAME PORT
  local id
  id=$(find_id "$LB_API/pools" '.name == "'"$1"'"')
  [[ -n "$id" ]] || id=$(api POST "$LB_API/pools" '{"name":"'"$1"'","monitor":"'"$MONITOR"'",
    "origins":[{"name":"'"$1"'-1","address":"127.0.0.1","port":'"$2"'}]}' | jq -er .id)
  echo "$id"
}
EU=$(pool eu "${ORIGIN_PORTS[0]}")
US=$(pool us "${ORIGIN_PORTS[1]}")

LB=$(find_id "/zones/$ZONE/load_balancers" '.name == "www.example.com"')
[[ -n "$LB" ]] || LB=$(api POST "/zones/$ZONE/load_balancers" '{"name":"www.example.com",
  "default_pools":["'"$EU"'","'"$US"'"],"fallback_pool":"'"$US"'","session_affinity":"cookie",
  "session_affinity_attributes":{"drain_duration":60}}' | jq -er .id)

echo "== waiting for the monitor's first verdict on pool eu"
for _ in $(seq 1 50); do
  api GET "$LB_API/pools/$EU/health" | jq -e '.pop_health[].healthy' >/dev/null 2>&1 && break
  sleep 0.2
done

echo "== a few requests through www.example.com"
for _ in 1 2 3 4 5; do
  curl -sS -f -H 'Host: www.example.com' "http://127.0.0.1:$PROXY_PORT/"
done | sort | uniq -c

DASHBOARD="http://127.0.0.1:$API_PORT/dashboard/#token=$TOKEN"
if $CHECK; then
  curl -sS -f -H 'Host: www.example.com' "http://127.0.0.1:$PROXY_PORT/" | grep -q 'hello from origin'
  curl -sS -f "http://127.0.0.1:$API_PORT/dashboard/" | grep -q 'Fulcrum dashboard'
  echo "== walkthrough checked"
  exit 0
fi

cat <<TEXT

The dashboard: $DASHBOARD
Token: $TOKEN (kept in $DEMO/token)
Try: kill $FULCRUM_PID stops Fulcrum; stopping origin ${ORIGIN_PORTS[0]} (kill ${PIDS[0]}) turns pool eu unhealthy
and www.example.com fails over to us. Ctrl-C stops everything this script started.
TEXT
# wait returns when Fulcrum exits, or at once when a trapped signal arrives.
wait "$FULCRUM_PID" || true
