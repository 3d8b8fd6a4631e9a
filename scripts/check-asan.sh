#!/usr/bin/env bash
# npm run check:asan — the runtime, codegen and extern tests under AddressSanitizer and UBSan.
#
# Builds the addon with -fsanitize=address,undefined into build/asan/ (cmake-js --out; the normal
# build/Release/tejit.node is untouched) and runs ava with
#   LD_PRELOAD=libasan (node is not ASan-built, so the runtime must be loaded first),
#   TEJIT_ADDON_PATH=build/asan/Release/tejit.node (the instrumented addon),
#   TEJIT_CFLAGS="-fsanitize=address,undefined ..." (every generated kernel and fixture instrumented),
#   TEJIT_CC="env -u LD_PRELOAD gcc" (gcc itself runs without the preload),
#   XDG_CACHE_HOME=build/asan/xdg-cache (kernels never land in the user's tejit cache; the test
#     helpers give each test process its own temporary cache, as under npm test),
#   ASAN_OPTIONS detect_leaks=0 (V8 and node keep memory until exit by design) and log_path, so
#     every ASan report (also from child processes a test spawns) is a file in build/asan/reports/;
#     UBSan (inside gcc's libasan) ignores log_path and prints "runtime error:" to stderr, which
#     ava shows and the script counts.
# First a self-check: a kernel that writes past the end of an array, and one with an undefined
# shift, loaded through the runtime, must each be reported, else the script fails (a setup that
# checks nothing cannot pass). Then the tests; the script fails if a test fails or any report was
# written. Usage: scripts/check-asan.sh [ava file globs...] (default: test/runtime, test/codegen,
# test/extern). Needs gcc's libasan and libubsan (Debian: libgcc-12-dev, installed with gcc).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build/asan
reports=$out/reports
start=$(date +%s)

echo "check:asan: building the addon with -fsanitize=address,undefined into build/asan"
mkdir -p "$out"
nice npx cmake-js compile --log-level warn --out build/asan --CDTEJIT_SANITIZE=address,undefined >"$out/build.log" 2>&1 || {
  cat "$out/build.log"; echo "check:asan: the sanitizer build of the addon failed"; exit 1; }
addon=$out/Release/tejit.node
if [[ "$(nm -D "$addon")" != *__asan_report_store* ]]; then
  echo "check:asan: $addon is not instrumented (no __asan_report_store)"; exit 1
fi

libasan=$(gcc -print-file-name=libasan.so)
if [[ "$libasan" != /* || ! -e "$libasan" ]]; then
  echo "check:asan: gcc has no libasan.so (Debian: apt-get install libgcc-12-dev)"; exit 1
fi

export TEJIT_ADDON_PATH=$addon
export TEJIT_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
export TEJIT_CC="env -u LD_PRELOAD gcc"
export XDG_CACHE_HOME=$out/xdg-cache
unset TEJIT_CACHE_DIR TEJIT_DISABLE_CACHE
asan_options="detect_leaks=0:halt_on_error=1:abort_on_error=0:print_stacktrace=1"
ubsan_options="halt_on_error=1:print_stacktrace=1"

# Runs node (or ava) with the preload; reports go to files under $1.
with_asan() {
  local dir=$1; shift
  mkdir -p "$dir"
  LD_PRELOAD=$libasan ASAN_OPTIONS="$asan_options:log_path=$dir/asan" UBSAN_OPTIONS="$ubsan_options:log_path=$dir/ubsan" "$@"
}

# Self-check: each fault must stop the process with a report naming the kernel.
selfcheck() {
  local mode=$1 expect=$2 dir=$out/selfcheck-$1
  rm -rf "$dir"
  local rc=0
  TEJIT_CACHE_DIR=$out/selfcheck-cache with_asan "$dir" node --import tsx scripts/oob-kernel.ts "$mode" >"$dir.stderr" 2>&1 || rc=$?
  mv "$dir.stderr" "$dir/stderr"
  if [[ $rc -eq 0 || $rc -eq 3 ]] || ! grep -qs "$expect" "$dir"/* || ! grep -qs "$3" "$dir"/*; then
    echo "check:asan: SELF-CHECK FAILED: the $mode fault in a kernel was not reported (exit $rc)"
    cat "$dir"/* 2>/dev/null || true
    exit 1
  fi
  echo "check:asan: self-check ok: the $mode fault was reported ($(grep -ho -m1 "$expect.*" "$dir"/* | head -1 | cut -c1-60))"
}
selfcheck write "heap-buffer-overflow" "in oob_write"
selfcheck shift "left shift of negative value" "bad_shift"

files=("$@")
# The soak test is left out by default: ASan keeps freed memory in quarantine, so its RSS limit
# measures the sanitizer (the soak's own figures, without ASan, are in docs/reliability.md).
if [[ ${#files[@]} -eq 0 ]]; then
  for f in test/runtime/*.test.ts test/codegen/*.test.ts test/extern/*.test.ts; do
    [[ $f == test/runtime/soak.test.ts ]] || files+=("$f")
  done
fi
rm -rf "$reports" "$XDG_CACHE_HOME"
echo "check:asan: running ava on ${#files[@]} files under ASan+UBSan (reports: build/asan/reports/)"
rc=0
with_asan "$reports" nice npx ava --concurrency 2 "${files[@]}" 2>&1 | tee "$out/ava.log" || rc=$?
count=$(find "$reports" -type f | wc -l)
ub=$(grep -c "runtime error:" "$out/ava.log" || true)
if [[ $count -gt 0 ]]; then
  echo "check:asan: $count ASan report(s):"
  for f in "$reports"/*; do echo "--- $f"; cat "$f"; done
fi
[[ $ub -eq 0 ]] || grep -A12 "runtime error:" "$out/ava.log"
count=$((count + ub))
[[ $count -eq 0 ]] || rc=1
passed=$(grep -c "✔" "$out/ava.log" || true)
failed=$(grep -c "✘ \[fail\]" "$out/ava.log" || true)
[[ $failed -eq 0 ]] || rc=1
echo "check:asan: $passed tests passed, $failed failed, $count sanitizer reports, $(( $(date +%s) - start )) s"
exit $rc
