#!/usr/bin/env bash
# Runs the embedpython JMH benchmarks; builds benchmarks/target/benchmarks.jar first if it is missing.
#
#   benchmarks/run.sh [all|pooled|cpu|bridge|conversion|modules] [extra JMH options...]
#
#   pooled      PooledRequestBenchmark: pooled request, held-session call, eval, main interpreter, dict, Java baseline
#   cpu         CpuThroughputBenchmark: OWN_GIL vs SHARED_GIL at 1, 2 and N threads, then the scaling ratios
#   bridge      BridgeBenchmark: Python -> Java callback vs Python -> Python call, log records enabled/disabled, print
#   conversion  ConversionBenchmark: containers, strings and arrays each way beside the marshal floor of the same
#               containers, SampleAnalyzeBenchmark (the sample's /api/analyze call, and its cost outside the analysis), then
#               the C floor of a call (native/floor.c, when gcc exists) and the ratios
#   modules     PythonModuleBenchmark: a @PythonModule interface call against PythonTemplate.call
#
# Extra arguments are JMH options (e.g. -prof stack), not benchmark patterns; ONLY=<regex> narrows the pooled and
# conversion suites to matching methods (e.g. ONLY='(pooledCall|heldCall)$').
# Environment: JAVA_HOME (or JAVA) picks the JVM; BINDING=jna|ffm forces the engine's binding in the forks
# (default: auto, FFM on JDK 22+); REBUILD=1 rebuilds the jar; JMH_OPTS replaces the default
# run options (pooled, bridge, conversion, modules: -f 1 -wi 3 -i 5 -w 1s -r 1s; cpu: the same with -r 2s); SUITE_TIMEOUT (seconds,
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
  all|pooled|cpu|bridge|conversion|modules) ;;
  -h|--help|help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) echo "unknown suite '$suite' (all, pooled, cpu, bridge, conversion, modules)" >&2; exit 2 ;;
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
  local txt="$target/results-pooled.txt" csv="$target/results-pooled.csv" floor_out floor_ns
  floor_out="$(c_floor)"
  echo "$floor_out" | tee -a "$txt"
  # The own-GIL sub-interpreter's figure: the pool's interpreters are own-GIL sub-interpreters.
  floor_ns="$(echo "$floor_out" | sed -n 's/.*sub-interpreter[^0-9]*\([0-9.]*\) ns.*/\1/p' | head -n 1)"
  if [[ -z "$floor_ns" || ! -s "$csv" ]]; then return; fi
  {
    echo
    echo "Calls against the C floor ($floor_ns ns: attach + add(20, 22) + detach, own-GIL sub-interpreter)"
    awk -F, -v floor="$floor_ns" '
      { sub(/\r$/, "") }  # JMH writes CRLF
      NR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); col[$i] = i }; next }
      { for (i = 1; i <= NF; i++) gsub(/"/, "", $i); if ($col["Mode"] != "avgt") next
        name = $col["Benchmark"]; sub(/.*\./, "", name); score[name] = $col["Score"] }
      END {
        split("heldCall pooledCall", names, " "); split("3 4", limits, " ")
        for (k = 1; k <= 2; k++) if (names[k] in score) {
          ratio = score[names[k]] / floor
          printf "  %-12s %8.1f ns   %5.2fx the C floor   target %sx: %s\n", names[k], score[names[k]], ratio,
            limits[k], (ratio <= limits[k]) ? "met" : "missed"
        }
      }' "$csv"
  } | tee -a "$txt"
}

bridge() {
  run_jmh bridge '-f 1 -wi 3 -i 5 -w 1s -r 1s' "dev\\.embedpython\\.benchmarks\\.BridgeBenchmark\\.${ONLY:-}" "$@"
}

modules() {
  run_jmh modules '-f 1 -wi 3 -i 5 -w 1s -r 1s' "dev\\.embedpython\\.benchmarks\\.PythonModuleBenchmark\\." "$@"
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
      { sub(/\r$/, "") }  # JMH writes CRLF
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

# The C floor of a call: native/floor.c against the bundled runtime's headers (include/ in the cpython jar, which
# the shaded jar carries) and the runtime the engine extracts (the default cache directory, as the benchmarks use).
c_floor() {
  if ! command -v gcc > /dev/null 2>&1; then
    echo "C floor: skipped (no gcc on PATH)"
    return
  fi
  local native="$target/native" home include library
  mkdir -p "$native"
  home="$("$java_cmd" -cp "$jar" dev.embedpython.runtime.BundledPython "$HOME/.cache/embedpython")" || {
    echo "C floor: skipped (the bundled runtime could not be extracted)"; return; }
  if command -v unzip > /dev/null 2>&1; then
    unzip -q -o "$jar" 'org/bytedeco/cpython/linux-x86_64/include/*' -d "$native"
  else
    (cd "$native" && "$(dirname "$java_cmd")/jar" xf "$jar" org/bytedeco/cpython/linux-x86_64/include)
  fi
  include="$(ls -d "$native"/org/bytedeco/cpython/linux-x86_64/include/python3.* | head -n 1)"
  library="$(ls "$home"/libpython3.*.so.1.0 | head -n 1)"
  gcc -O2 -o "$native/floor" "$here/native/floor.c" -I "$include" "$library" -Wl,-rpath,"$home" -lm
  "$native/floor" "$home" "${FLOOR_ITERATIONS:-1000000}"
}

conversion() {
  run_jmh conversion '-f 1 -wi 3 -i 5 -w 1s -r 1s' "dev\\.embedpython\\.benchmarks\\.(ConversionBenchmark|SampleAnalyzeBenchmark)\\.${ONLY:-}" "$@"
  local txt="$target/results-conversion.txt" csv="$target/results-conversion.csv"
  c_floor | tee -a "$txt"
  if [[ ! -s "$csv" ]]; then echo "no results in $csv" >&2; failed=1; return; fi
  # Issue 11's container targets: 2x the marshal floor with FFM (JDK 22+, binding not forced to JNA), 3x with JNA.
  local limit=3
  if [[ "${java_major:-0}" -ge 22 && "${BINDING:-auto}" != "jna" ]]; then limit=2; fi
  {
    echo
    echo "Conversions against the marshal floor of the same containers (ns per element; dict7 and the rest per call)"
    awk -F, -v limit="$limit" '
      { sub(/\r$/, "") }  # JMH writes CRLF
      NR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); col[$i] = i }; next }
      {
        for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
        if ($col["Mode"] != "avgt") next
        name = $col["Benchmark"]; sub(/.*\./, "", name)
        kind = ("Param: kind" in col) ? $col["Param: kind"] : ""
        if (kind != "") name = name "[" kind "]"
        score[name] = $col["Score"]
      }
      function row(label, measured, floor, limit) {
        if (!(measured in score)) return
        if (floor in score) {
          ratio = score[measured] / score[floor]
          printf "  %-28s %12.1f   floor %10.1f   %5.2fx   target %sx: %s\n", label, score[measured], score[floor],
            ratio, limit, (ratio <= limit) ? "met" : "missed"
        }
      }
      function absolute(label, measured, limit) {
        if (!(measured in score)) return
        printf "  %-28s %12.1f   target <= %d ns: %s\n", label, score[measured], limit,
          (score[measured] <= limit) ? "met" : "missed"
      }
      END {
        split("ListFloat ListInt ListStr DictStrInt", names, " ")
        split("listFloat listInt listStr dictStrInt", methods, " ")
        for (k = 1; k <= 4; k++) {
          row(methods[k] "ToJava", methods[k] "ToJava", "marshalDumps" names[k], limit)
          row(methods[k] "ToPython", methods[k] "ToPython", "marshalLoads" names[k], limit)
        }
        row("dict7ToJava (per call)", "dict7ToJava", "marshalDumpsDict7", limit)
        row("dict7ToPython (per call)", "dict7ToPython", "marshalLoadsDict7", limit)
        absolute("strToJava[latin1]", "strToJava[latin1]", 1000000)
        absolute("strToJava[bmp]", "strToJava[bmp]", 1000000)
        absolute("strToPython[latin1]", "strToPython[latin1]", 1000000)
        absolute("strToPython[bmp]", "strToPython[bmp]", 1000000)
        absolute("doublesToPython", "doublesToPython", 2000000)
        absolute("doublesToJava", "doublesToJava", 2000000)
        if ("analyzeBoundary" in score)
          printf "  %-28s %12.1f   (the whole request: %.1f)\n", "/api/analyze outside analysis", score["analyzeBoundary"],
            score["analyzeRequest"]
        if (("identStr" in score) && ("identInt" in score))
          printf "  %-28s %12.1f   (identStr - identInt)\n", "short str each way", score["identStr"] - score["identInt"]
        if (("identStr" in score) && ("identLong" in score))
          printf "  %-28s %12.1f   (identStr - identLong)\n", "  of which beyond an int", score["identStr"] - score["identLong"]
      }' "$csv"
  } | tee -a "$txt"
}

failed=0
case "$suite" in
  pooled) pooled "$@" ;;
  cpu) cpu "$@" ;;
  bridge) bridge "$@" ;;
  conversion) conversion "$@" ;;
  modules) modules "$@" ;;
  all) pooled "$@"; cpu "$@"; bridge "$@"; conversion "$@"; modules "$@" ;;
esac
exit "$failed"
