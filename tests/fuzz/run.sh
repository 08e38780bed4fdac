#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in a build directory of their own, replays every recorded
# finding (tests/fuzz/regressions/<target>/), then fuzzes each target for SECONDS (default 30) from its seed corpus
# (tests/fuzz/corpus/<target>/, never modified: new inputs go to the build directory). Fails on any crash, leak,
# sanitizer report or property violation, and prints the executions of each target.
#   tests/fuzz/run.sh [SECONDS]
# Environment: SERVEROPS_FUZZ_BUILD_DIR (default build-fuzz), SERVEROPS_FUZZ_JOBS (build jobs, default 2),
# SERVEROPS_FUZZ_TARGETS (space-separated subset), SERVEROPS_FUZZ_ARGS (extra libFuzzer flags). A long campaign
# (README.md) adds SERVEROPS_FUZZ_REPORT_ONLY=1 and UBSAN_OPTIONS=halt_on_error=0:print_stacktrace=1: each property
# violation and UB report is then logged once (violation-* inputs saved) and fuzzing goes on. Inputs found are kept
# in <build>/fuzz-run/<target>/new between runs; crashes in .../artifacts.
set -euo pipefail
seconds=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${SERVEROPS_FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=${SERVEROPS_FUZZ_TARGETS:-fuzz_clc_decode fuzz_a4c_decode fuzz_ucs_decode fuzz_response_reader fuzz_small_parsers fuzz_encode_roundtrip}
cxx=${CXX_FUZZ:-$(command -v clang++-14 || command -v clang++)}

# A compiler change makes CMake drop the cache and the options given here with it: start that build dir afresh.
if [ -f "$build/CMakeCache.txt" ] && ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$cxx" "$build/CMakeCache.txt"; then
  rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
fi
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS=-O1 \
      -DSERVEROPS_FUZZ=ON -DSERVEROPS_BUILD_EXAMPLES=OFF -DSERVEROPS_BUILD_BENCHMARKS=OFF >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j"${SERVEROPS_FUZZ_JOBS:-2}" --target $targets

# Every UBSan report is fatal here; a long campaign may choose otherwise (README.md).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
status=0
summary=()
for t in $targets; do
  bin="$build/tests/fuzz/$t"
  work="$build/fuzz-run/$t"
  rm -rf "$work/artifacts" "$work"/violation-* "$work"/*.log
  mkdir -p "$work/new" "$work/artifacts"
  regressions=("$here/regressions/$t"/*)
  if [ -e "${regressions[0]}" ]; then
    echo "== $t: replaying ${#regressions[@]} regression input(s)"
    failed=()
    for input in "${regressions[@]}"; do  # one process each: every failing finding is named, not just the first
      if ! (cd "$work" && "$bin" -artifact_prefix="$work/artifacts/" "$input") >>"$work/regressions.log" 2>&1; then
        failed+=("$(basename "$input")")
      fi
    done
    if [ ${#failed[@]} -gt 0 ]; then
      echo "FAIL $t: regression input(s) fail again: ${failed[*]}"
      grep -E "property violated|runtime error|ERROR: AddressSanitizer|Boost assertion" "$work/regressions.log" |
        cut -c1-240 | head -20
      status=1
      summary+=("$t: regression FAILED (${failed[*]})")
      continue
    fi
  fi
  echo "== $t: fuzzing for ${seconds}s"
  # shellcheck disable=SC2086
  if (cd "$work" && "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" -dict="$here/fuzz.dict" ${SERVEROPS_FUZZ_ARGS:-} \
        "$work/new" "$here/corpus/$t") >"$work/fuzz.log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    echo "FAIL $t (log: $work/fuzz.log, input: $(ls "$work/artifacts" | head -1)):"
    grep -E "property violated|ERROR: |runtime error|SUMMARY" "$work/fuzz.log" | head -20
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$work/fuzz.log" | tail -1 || true)
  summary+=("$t: $result, ${execs:-?} executions in ${seconds}s, ${cov:-no coverage line}")
  reported=$(grep -hoE "property violated: [a-z0-9-]+|runtime error: .*" "$work/regressions.log" "$work/fuzz.log" \
             2>/dev/null | sort -u || true)
  [ -z "$reported" ] || { echo "$t reported:"; echo "$reported" | sed 's/^/  /'; }
done
echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
exit $status
