#!/usr/bin/env bash
# Load test of the packaged sample app, on loopback only: POST /api/analyze (Python on the own-GIL pool) against
# /api/analyze-java (the same algorithm in plain Java), then the Python/Java throughput ratio. Builds the jar only
# if it is missing, starts it on a free port, waits (bounded) for readiness, and always stops it again.
#
# Usage: sample-app/load-test.sh
# Environment (all optional):
#   LOAD_CLIENT   auto (wrk if installed, else the Java client) | wrk | java
#   REQUESTS      requests per endpoint for the Java client (default 20000), after WARMUP (default 2000)
#   DURATION      seconds per endpoint for wrk (default 10), after WARMUP_DURATION (default 5)
#   CONCURRENCY   concurrent connections (default 16)
#   JAVA_OPTS     extra JVM options for the app, e.g. -Xmx512m
#   PYTHON_POOL_SIZE  interpreters in the default pool (default: the app's setting, i.e. available processors)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOAD_CLIENT=${LOAD_CLIENT:-auto}
REQUESTS=${REQUESTS:-20000}
WARMUP=${WARMUP:-2000}
DURATION=${DURATION:-10}
WARMUP_DURATION=${WARMUP_DURATION:-5}
CONCURRENCY=${CONCURRENCY:-16}
READY_TIMEOUT=${READY_TIMEOUT:-120}
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1200}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/embedpython-load.XXXXXX")
APP_PID=""
STEP_PID=""

# Runs a command under `timeout` in the background and waits for it: a signal interrupts `wait` at once (a
# foreground child would delay the trap until it ends), and cleanup can stop the step by its id.
run_step() { # command...
    timeout "$STEP_TIMEOUT" "$@" &
    STEP_PID=$!
    local rc=0
    wait "$STEP_PID" || rc=$?
    STEP_PID=""
    return "$rc"
}

stop_app() {
    if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
        kill -TERM "$APP_PID" 2>/dev/null || true
        # Graceful shutdown drains in-flight Python calls; give it a bounded time, then force.
        for _ in $(seq 1 60); do
            kill -0 "$APP_PID" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$APP_PID" 2>/dev/null; then
            echo "app did not stop within 30 s; killing it" >&2
            kill -KILL "$APP_PID" 2>/dev/null || true
        fi
        wait "$APP_PID" 2>/dev/null || true
    fi
    APP_PID=""
}

cleanup() {
    if [[ -n "$STEP_PID" ]]; then
        kill -TERM "$STEP_PID" 2>/dev/null || true # timeout passes the signal on to its command
        wait "$STEP_PID" 2>/dev/null || true
    fi
    stop_app
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

find_jar() {
    ls "$ROOT"/sample-app/target/embedpython-sample-app-*.jar 2>/dev/null | head -n 1 || true
}

free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        # A refused connection means nothing listens there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "no free loopback port found" >&2
    return 1
}

# --- build only what is missing --------------------------------------------------------------------------
JAR=$(find_jar)
if [[ -z "$JAR" ]]; then
    echo "== no jar in sample-app/target: building it (./mvnw -q -pl sample-app -am package -DskipTests)"
    STEP_TIMEOUT=$BUILD_TIMEOUT run_step ./mvnw -q -pl sample-app -am package -DskipTests
    JAR=$(find_jar)
    [[ -n "$JAR" ]] || { echo "the build produced no jar" >&2; exit 1; }
fi

case "$LOAD_CLIENT" in
    auto) if command -v wrk >/dev/null 2>&1; then LOAD_CLIENT=wrk; else LOAD_CLIENT=java; fi ;;
    wrk | java) ;;
    *) echo "LOAD_CLIENT must be auto, wrk or java, not '$LOAD_CLIENT'" >&2; exit 2 ;;
esac

# --- start the app ---------------------------------------------------------------------------------------
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
LOG="$WORK/app.log"
MANAGEMENT_PORT=$(free_port)
# Readiness comes from /readyz on the main port; the actuator's own port (loopback only) is moved off the
# sample's fixed 8081 so that the script never collides with a running app.
APP_ARGS=(--server.address=127.0.0.1 "--server.port=$PORT" "--management.server.port=$MANAGEMENT_PORT")
if [[ -n "${PYTHON_POOL_SIZE:-}" ]]; then
    APP_ARGS+=("--python.pool.size=$PYTHON_POOL_SIZE")
fi
echo "== starting $(basename "$JAR") on $BASE (log: $LOG)"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
java ${JAVA_OPTS:-} -jar "$JAR" "${APP_ARGS[@]}" >"$LOG" 2>&1 &
APP_PID=$!

deadline=$((SECONDS + READY_TIMEOUT))
until curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; do
    if ! kill -0 "$APP_PID" 2>/dev/null; then
        echo "the app exited during startup; last log lines:" >&2
        tail -n 40 "$LOG" >&2
        APP_PID=""
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        echo "the app was not ready within ${READY_TIMEOUT} s; last log lines:" >&2
        tail -n 40 "$LOG" >&2
        exit 1
    fi
    sleep 0.5
done
grep -m1 -E "Python .* ready in" "$LOG" | sed -E 's/^.*(Python .*)$/== \1/' || true

# --- the request body: about 1 KB of English prose ---------------------------------------------------------
BODY="$WORK/body.json"
cat >"$BODY" <<'EOF'
{"text": "The committee met on a grey Tuesday morning to review the proposal for the new library. After a long discussion about costs, opening hours and the needs of students, the members agreed that the building should include quiet study rooms, a small cafe and a workshop for repairing bicycles. Nobody expected the plan to pass so quickly! Some residents, however, worried about parking and noise. Would the town really be able to afford it? The treasurer explained that a grant from the regional government would cover most of the construction, while local businesses had promised to fund the first five years of operation. In the end the vote was nearly unanimous, and the architect was asked to prepare detailed drawings before the summer. Everyone left the room in a hopeful mood, talking about books, bicycles and coffee."}
EOF
# Both endpoints must agree before their speed is compared.
python_result=$(curl -fsS -H 'Content-Type: application/json' --data-binary "@$BODY" "$BASE/api/analyze")
java_result=$(curl -fsS -H 'Content-Type: application/json' --data-binary "@$BODY" "$BASE/api/analyze-java")
if [[ "$python_result" != "$java_result" ]]; then
    echo "python and java results differ:" >&2
    echo "  python: $python_result" >&2
    echo "  java:   $java_result" >&2
    exit 1
fi
echo "== result (both endpoints): $python_result"

# --- drive both endpoints: warm both up first (JIT, connections), then measure each ------------------------
# Each function prints a human-readable line and a "RESULT label rps p50_ms p99_ms errors" line.
load_java() { # label path requests
    run_step java "$ROOT/sample-app/src/test/java/dev/embedpython/sample/LoadClient.java" \
        --url "$BASE$2" --body-file "$BODY" --label "$1" --requests "$3" --warmup 0 --concurrency "$CONCURRENCY"
}

WRK_SCRIPT="$WORK/post.lua"
cat >"$WRK_SCRIPT" <<'EOF'
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = file:read("*a")
file:close()

done = function(summary, latency, requests)
    local e = summary.errors
    local errors = e.connect + e.read + e.write + e.status + e.timeout
    local rps = summary.requests / (summary.duration / 1e6)
    io.write(string.format("%-14s %7d requests, %3d clients: %9.1f req/s  p50 %7.3f ms  p99 %7.3f ms  errors %d\n",
        os.getenv("LABEL"), summary.requests, tonumber(os.getenv("CONCURRENCY")), rps,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
    io.write(string.format("RESULT %s %.1f %.3f %.3f %d\n", os.getenv("LABEL"), rps,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
EOF

load_wrk() { # label path seconds
    local threads
    threads=$(nproc 2>/dev/null || echo 2)
    if ((threads > CONCURRENCY)); then threads=$CONCURRENCY; fi
    run_step env BODY_FILE="$BODY" LABEL="$1" CONCURRENCY="$CONCURRENCY" \
        wrk -t "$threads" -c "$CONCURRENCY" -d "${3}s" --timeout 10s -s "$WRK_SCRIPT" "$BASE$2"
}

if [[ "$LOAD_CLIENT" == wrk ]]; then
    warmup_amount=$WARMUP_DURATION measure_amount=$DURATION
else
    warmup_amount=$WARMUP measure_amount=$REQUESTS
fi
echo "== load client: $LOAD_CLIENT, $CONCURRENCY connections, $(nproc 2>/dev/null || echo '?') CPUs shared by app and client"
echo "== warming up both endpoints"
"load_$LOAD_CLIENT" python /api/analyze "$warmup_amount" >/dev/null
"load_$LOAD_CLIENT" java /api/analyze-java "$warmup_amount" >/dev/null
RESULTS="$WORK/results.txt"
for endpoint in "python /api/analyze" "java /api/analyze-java"; do
    read -r label path <<<"$endpoint"
    "load_$LOAD_CLIENT" "$label" "$path" "$measure_amount" >"$WORK/$label.out"
    grep -E '^RESULT' "$WORK/$label.out" >>"$RESULTS"
    grep -E '^[a-z]+ +[0-9]+ requests' "$WORK/$label.out"
done

curl -fsS "$BASE/api/python" | sed 's/^/== pool after the run: /'
echo

awk '$1 == "RESULT" { rps[$2] = $3; errors += $6 }
     END {
         if (rps["java"] > 0) printf "== python/java throughput ratio: %.2f (python %.1f req/s, java %.1f req/s); errors: %d\n", rps["python"] / rps["java"], rps["python"], rps["java"], errors
         exit (errors > 0)
     }' "$RESULTS"
