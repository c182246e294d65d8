#!/usr/bin/env bash
# Runs the embedpython JMH benchmarks; builds benchmarks/target/benchmarks.jar first if it is missing.
#
#   benchmarks/run.sh [all|pooled|cpu|bridge] [extra JMH options...]
#
#   pooled  PooledRequestBenchmark: pooled request, held-session call, eval, main interpreter, dict, Java baseline
#   cpu     CpuThroughputBenchmark: OWN_GIL vs SHARED_GIL at 1, 2 and N threads, then the scaling ratios
#   bridge  BridgeBenchmark: Python -> Java callback vs Python -> Python call, log records enabled/disabled, print
#
# Extra arguments are JMH options (e.g. -prof stack), not benchmark patterns; ONLY=<regex> narrows the pooled
# suite to matching methods (e.g. ONLY='(pooledCall|heldCall)$').
# Environment: JAVA_HOME (or JAVA) picks the JVM; BINDING=jna|ffm forces the engine's binding in the forks
# (default: auto, FFM on JDK 22+); REBUILD=1 rebuilds the jar; JMH_OPTS replaces the default
# run options (pooled: -f 1 -wi 3 -i 5 -w 1s -r 1s; cpu: the same with -r 2s); SUITE_TIMEOUT (seconds,
# default 900) bounds each suite. Results: benchmarks/target/results-*.txt (human-readable, with a machine
# header) and results-*.csv. Run on an idle machine: the header records the load average.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/target"
jar="$target/benchmarks.jar"

suite="${1:-all}"
if [[ $# -gt 0 ]]; then shift; fi
case "$suite" in
  all|pooled|cpu|bridge) ;;
  -h|--help|help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) echo "unknown suite '$suite' (all, pooled, cpu, bridge)" >&2; exit 2 ;;
esac

if [[ -n "${JAVA:-}" ]]; then java_cmd="$JAVA"
elif [[ -n "${JAVA_HOME:-}" ]]; then java_cmd="$JAVA_HOME/bin/java"
else java_cmd="java"; fi

if [[ ! -f "$jar" || "${REBUILD:-0}" == "1" ]]; then
  echo "Building $jar ..."
  (cd "$root" && ./mvnw -q -pl benchmarks -am package -DskipTests -Dbenchmarks.shade.skip=false)
fi

# JMH 1.37 uses sun.misc.Unsafe memory access, which JDK 23+ warns about at every start; allow it quietly there
# (the forks inherit the runner's JVM flags).
java_major="$("$java_cmd" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1)"
java_flags=()
if [[ "${java_major:-0}" -ge 23 ]]; then
  java_flags=(--sun-misc-unsafe-memory-access=allow)
fi
# The forks' own flags (-Xss2m, native access) come from @Fork(jvmArgsAppend); the binding is prepended to them.
binding_args=()
if [[ -n "${BINDING:-}" ]]; then
  binding_args=(-jvmArgsPrepend "-Dembedpython.binding=$BINDING")
fi

nproc_n="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
timeout_s="${SUITE_TIMEOUT:-900}"
mkdir -p "$target"

machine_header() {
  echo "# date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# host:    $(uname -srm), nproc=$nproc_n, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
  echo "# java:    $("$java_cmd" -version 2>&1 | head -n 2 | tr '\n' ' ')"
  echo "# load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
  echo "# binding: ${BINDING:-auto}"
  echo "# options: ${jmh_opts[*]} $*"
}

run_jmh() {  # name, default run options, then JMH arguments
  local name="$1"; shift
  local jmh_opts=(${JMH_OPTS:-$1}); shift
  local txt="$target/results-$name.txt" csv="$target/results-$name.csv"
  rm -f "$csv"
  machine_header "$@" > "$txt"
  echo "== $name: $java_cmd ${java_flags[*]} -jar benchmarks.jar ${jmh_opts[*]} ${binding_args[*]} $*"
  # JMH ends by itself; the timeout is only a guard against a hung fork.
  local rc
  set +e
  timeout --kill-after=30 "$timeout_s" "$java_cmd" "${java_flags[@]}" -jar "$jar" "${jmh_opts[@]}" "${binding_args[@]}" -rf csv -rff "$csv" "$@" 2>&1 \
    | tee -a "$txt"
  rc=${PIPESTATUS[0]}
  set -e
  if [[ $rc -ne 0 ]]; then echo "JMH exited with $rc (see $txt)" >&2; return "$rc"; fi
  if grep -q '<failure>' "$txt"; then echo "Some benchmarks of '$name' failed (see $txt)" >&2; failed=1; fi
}

pooled() {
  run_jmh pooled '-f 1 -wi 3 -i 5 -w 1s -r 1s' "dev\\.embedpython\\.benchmarks\\.PooledRequestBenchmark\\.${ONLY:-}" "$@"
}

bridge() {
  run_jmh bridge '-f 1 -wi 3 -i 5 -w 1s -r 1s' "dev\\.embedpython\\.benchmarks\\.BridgeBenchmark\\.${ONLY:-}" "$@"
}

cpu() {
  # threads1, threads2 and threadsMax (= nproc threads); threadsMax only when it differs from 2
  local methods='threads[12]'
  if [[ "$nproc_n" -gt 2 ]]; then methods='threads(1|2|Max)'; fi
  run_jmh cpu '-f 1 -wi 3 -i 5 -w 1s -r 2s' "dev\\.embedpython\\.benchmarks\\.CpuThroughputBenchmark\\.${methods}\$" "$@"
  local csv="$target/results-cpu.csv"
  if [[ ! -s "$csv" ]]; then echo "no results in $csv" >&2; failed=1; return; fi
  {
    echo
    echo "CPU-bound throughput scaling (ops/s at t threads / ops/s at 1 thread; nproc=$nproc_n; ideal own GIL = t)"
    awk -F, '
      NR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); col[$i] = i }; next }
      {
        for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
        iso = $col["Param: isolation"]; t = $col["Threads"]; s = $col["Score"]
        score[iso, t] = s; if (!(iso in seen)) { seen[iso] = 1; order[++n] = iso }
        if (!((iso, t) in has)) { has[iso, t] = 1; ts[iso] = ts[iso] " " t }
      }
      END {
        for (k = 1; k <= n; k++) {
          iso = order[k]; base = score[iso, 1]
          m = split(ts[iso], list, " ")
          for (j = 1; j <= m; j++) {
            t = list[j]
            if (base > 0) printf "  %-10s t=%-3s %12.1f ops/s  ratio %5.2fx  (%.0f%% of linear)\n", iso, t, score[iso, t], score[iso, t] / base, 100 * score[iso, t] / base / t
            else printf "  %-10s t=%-3s %12.1f ops/s\n", iso, t, score[iso, t]
          }
        }
      }' "$csv"
  } | tee -a "$target/results-cpu.txt"
}

failed=0
case "$suite" in
  pooled) pooled "$@" ;;
  cpu) cpu "$@" ;;
  bridge) bridge "$@" ;;
  all) pooled "$@"; cpu "$@"; bridge "$@" ;;
esac
exit "$failed"
