# Shared by bench/run and bench/soak (sourced, not run): the origins, the processes they start and stop, building
# and configuring Fulcrum, CPU accounting. Everything binds to 127.0.0.1.
# The sourcing script sets ME (its name for messages), WORK (its work directory) and KEEP (1 keeps WORK on exit).

TOKEN=bench-token-0123456789abcdef
HOST_HEADER=bench.example.test
PIDS=()
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

fail() { echo "$ME: $*" >&2; exit 2; }

log() { echo "[$ME $(date +%H:%M:%S)] $*" >&2; }

cleanup() {
    stop_started
    if [ "$KEEP" = 1 ]; then
        echo "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}

stop_started() { # every process start_bg started: TERM, then KILL after 5 s
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    PIDS=()
}

seconds() { # 10s, 2m, 500ms -> whole seconds (at least 1)
    case "$1" in
        *ms) echo 1 ;;
        *s) echo "${1%s}" ;;
        *m) echo $(( ${1%m} * 60 )) ;;
        *) echo "$1" ;;
    esac
}

check_duration() { # option value: a wrk duration bench/* understands
    [[ "$2" =~ ^[0-9]+(ms|s|m)?$ ]] || fail "$1 '$2' is not a duration (e.g. 10s, 2m)"
}

check_number() { # option value
    [[ "$2" =~ ^[0-9]+$ ]] || fail "$1 '$2' is not a number"
}

install_tools() { # wrk, nginx, haproxy from Debian's packages when missing
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get install -y "${missing[@]}" >/dev/null 2>&1 \
            || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
    fi
    export PATH="$PATH:/usr/sbin"
}

check_ports_free() { # port...
    local p
    for p in "$@"; do
        if ss -ltn | awk '{print $4}' | grep -q ":$p\$"; then
            echo "$ME: port $p is taken (choose another --port-base)" >&2
            exit 1
        fi
    done
}

standalone_jar() { # the shaded jar, wherever the dist module puts it (dist/standalone/target since the split)
    local j
    for j in "$ROOT"/dist/standalone/target/fulcrum-standalone*.jar "$ROOT"/dist/target/fulcrum-standalone*.jar; do
        [ -f "$j" ] && { echo "$j"; return; }
    done
}

mvn_offline_first() { # maven arguments...: offline first, then online (the first time an artifact is needed,
    # e.g. Vert.x). FULCRUM_BENCH_MVN_ARGS adds Maven arguments, e.g. -Dmaven.repo.local=... for a private repository.
    # shellcheck disable=SC2086
    (cd "$ROOT" && timeout 900 mvn -q -B -o ${FULCRUM_BENCH_MVN_ARGS:-} "$@") >&2 \
        || { log "offline Maven run failed; retrying online"
             # shellcheck disable=SC2086
             (cd "$ROOT" && timeout 900 mvn -q -B ${FULCRUM_BENCH_MVN_ARGS:-} "$@") >&2; }
}

build_modules() { # module...: mvn package -DskipTests and each module's runtime classpath in target/classpath.txt
    local modules
    modules=$(IFS=,; echo "$*")
    log "building $modules (mvn package -DskipTests)"
    mvn_offline_first -pl "$modules" -am package -DskipTests \
        dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
}

jetty_bundle() { # the Jetty module bundle the build made (dist/jetty-bundle), or nothing
    local b
    for b in "$ROOT"/dist/jetty-bundle/target/fulcrum-jetty-bundle-*.tar.gz; do
        [ -f "$b" ] && { echo "$b"; return; }
    done
}

unpack_jetty_home() { # jetty-home of the build's Jetty version, from the Maven repository (fetched once), unpacked in $WORK
    local version dir
    version=$(sed -n 's:.*<jetty.version>\(.*\)</jetty.version>.*:\1:p' "$ROOT/pom.xml" | head -1)
    dir="$WORK/jetty-home-$version"
    if [ ! -d "$dir" ]; then
        mvn_offline_first -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
            -Dartifact="org.eclipse.jetty:jetty-home:$version:tar.gz" -DoutputDirectory="$WORK" \
            || fail "cannot fetch jetty-home $version"
        tar xzf "$WORK/jetty-home-$version.tar.gz" -C "$WORK"
    fi
    echo "$dir"
}

standalone_module() {
    if [ -d "$ROOT/dist/standalone" ]; then echo dist/standalone; else echo dist; fi
}

start_bg() { # name, command...: starts in the background, logs to $WORK/name.log, sets PID_<name>
    local name=$1; shift
    "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    eval "PID_${name//-/_}=$!"
}

wait_http() { # url [host header]: until it answers 200, at most 60 s
    local url=$1 host=${2:-} code
    for _ in $(seq 600); do
        if [ -n "$host" ]; then
            code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" "$url" || true)
        else
            code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
        fi
        [ "$code" = 200 ] && return 0
        sleep 0.1
    done
    echo "$ME: $url did not answer 200 within 60 s" >&2
    return 1
}

wait_line() { # file pattern: until the pattern shows up, at most 60 s
    for _ in $(seq 600); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$ME: '$2' never appeared in $1:" >&2
    tail -20 "$1" >&2
    return 1
}

expect_kib_body() { # name url: the answer through it is the origins' 1 KiB body
    local size
    size=$(curl -s -H "Host: $HOST_HEADER" "$2" | wc -c)
    [ "$size" = 1024 ] || { echo "$ME: $1 answers $size bytes, expected 1024" >&2; exit 1; }
}

api() { # base method path [json]
    local base=$1 method=$2 path=$3 body=${4:-}
    if [ -n "$body" ]; then
        curl -sf -X "$method" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
            --data "$body" "$base$path"
    else
        curl -sf -X "$method" -H "Authorization: Bearer $TOKEN" "$base$path"
    fi
}

json_id() { python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print((r[0] if isinstance(r, list) else r)["id"])'; }

configure_fulcrum() { # API base [monitor interval s]: account -> zone -> [monitor] -> pool of the origins -> LB
    local base=$1 interval=${2:-} account zone pool monitor=""
    account=$(api "$base" GET /accounts | json_id)
    zone=$(api "$base" POST /zones "{\"name\":\"example.test\",\"account\":{\"id\":\"$account\"}}" | json_id)
    if [ -n "$interval" ]; then
        monitor=$(api "$base" POST "/accounts/$account/load_balancers/monitors" "{\"type\":\"http\",\"path\":\"/\",
            \"interval\":$interval,\"timeout\":2,\"retries\":0,\"expected_codes\":\"200\"}" | json_id)
        monitor=",\"monitor\":\"$monitor\""
    fi
    pool=$(api "$base" POST "/accounts/$account/load_balancers/pools" "{\"name\":\"bench\",\"origins\":[
        {\"name\":\"o1\",\"address\":\"127.0.0.1\",\"port\":${P_ORIGIN[0]}},
        {\"name\":\"o2\",\"address\":\"127.0.0.1\",\"port\":${P_ORIGIN[1]}},
        {\"name\":\"o3\",\"address\":\"127.0.0.1\",\"port\":${P_ORIGIN[2]}}]$monitor}" | json_id)
    api "$base" POST "/zones/$zone/load_balancers" "{\"name\":\"$HOST_HEADER\",\"default_pools\":[\"$pool\"],
        \"fallback_pool\":\"$pool\",\"proxied\":true}" >/dev/null
}

start_origins() { # [pinning prefix...]: one nginx worker, three servers on P_ORIGIN answering 1 KiB with keep-alive
    local body p
    body=$(head -c 1024 /dev/zero | tr '\0' 'x')
    mkdir -p "$WORK/origins"
    {
        echo "worker_processes 1; pid $WORK/origins/nginx.pid; error_log $WORK/origins/error.log warn;"
        echo "events { worker_connections 4096; }"
        echo "http { access_log off; keepalive_requests 1000000; keepalive_timeout 900s;"
        echo "  client_body_temp_path $WORK/origins; proxy_temp_path $WORK/origins; fastcgi_temp_path $WORK/origins;"
        echo "  uwsgi_temp_path $WORK/origins; scgi_temp_path $WORK/origins;"
        for p in "${P_ORIGIN[@]}"; do
            echo "  server { listen 127.0.0.1:$p; location / { default_type text/plain; return 200 \"$body\"; } }"
        done
        echo "}"
    } >"$WORK/origins/nginx.conf"
    start_bg origins "$@" nginx -p "$WORK/origins" -c "$WORK/origins/nginx.conf" -g 'daemon off;'
    for p in "${P_ORIGIN[@]}"; do wait_http "http://127.0.0.1:$p/"; done
    expect_kib_body origin "http://127.0.0.1:${P_ORIGIN[0]}/"
}

start_fulcrum_standalone() { # name port api-port [prefix...]: the standalone jar, configured for the origins
    local name=$1 port=$2 api_port=$3
    shift 3
    # shellcheck disable=SC2086
    start_bg "$name" "$@" --bind 127.0.0.1 --port "$port" --api-port "$api_port" --data-dir "$WORK/$name-data" \
        --api-token "$TOKEN"
}

pin_cpus() { # N: PROXY_PIN (the last N CPUs) and LOAD_PIN (the others, empty when none remain), taskset prefixes
    local total
    check_number --cpus "$1"
    total=$(nproc --all)
    { [ "$1" -ge 1 ] && [ "$1" -le "$total" ]; } || fail "--cpus must be 1..$total on this machine"
    PROXY_PIN=(taskset -c "$(cpu_list $(( total - $1 )) $(( total - 1 )))")
    LOAD_PIN=()
    if [ "$1" -lt "$total" ]; then
        LOAD_PIN=(taskset -c "$(cpu_list 0 $(( total - $1 - 1 )))")
    fi
}

cpu_list() { # first last -> taskset's list
    if [ "$1" = "$2" ]; then echo "$1"; else echo "$1-$2"; fi
}

cpu_ticks() { # pid: user+system clock ticks of the process and its children (nginx workers), all threads
    local pid=$1 total=0 p
    for p in $pid $(pgrep -P "$pid" || true); do
        if [ -r "/proc/$p/stat" ]; then
            # Fields 14 and 15 after the command name, which may contain spaces: cut at the last ')'.
            total=$(( total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}') ))
        fi
    done
    echo "$total"
}
