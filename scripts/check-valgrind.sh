#!/usr/bin/env bash
# npm run check:valgrind — the runtime, codegen and extern tests under valgrind's memcheck.
#
# node under valgrind needs about a minute just to start, so instead of ava (a process per test
# file) scripts/run-tests.ts runs the test files in one process through a stand-in for ava's API
# (scripts/ava-shim.ts). Steps:
#   1. builds the addon with debug info (cmake-js -B RelWithDebInfo --out build/valgrind; the
#      normal build/Release/tejit.node is untouched) and points TEJIT_ADDON_PATH at it;
#   2. kernels are built with TEJIT_CFLAGS="-march=x86-64-v3 -g" (AVX2/FMA: valgrind 3.19 has no
#      AVX-512, and -march=native kernels die there with SIGILL) into a cache of their own,
#      TEJIT_CACHE_DIR=build/valgrind/kernel-cache;
#   3. self-check: a kernel that writes one element past an array (scripts/oob-kernel.ts) must be
#      reported as an invalid write, else the script fails (a setup that checks nothing cannot pass);
#   4. runs the tests natively first (they must pass; this also fills the kernel cache, so gcc is
#      not run under valgrind), then under valgrind with --error-exitcode, no leak check (V8 and
#      node keep memory until exit by design) and scripts/valgrind.supp. The script fails on a test
#      failure or any memcheck error. Log: build/valgrind/memcheck.log.
# Usage: scripts/check-valgrind.sh [test files...]. Needs Debian's valgrind package.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/build/valgrind
start=$(date +%s)
command -v valgrind >/dev/null || { echo "check:valgrind: valgrind is not installed (Debian: apt-get install valgrind)"; exit 1; }

echo "check:valgrind: building the addon with debug info into build/valgrind"
mkdir -p "$out"
nice npx cmake-js compile --log-level warn --out build/valgrind -B RelWithDebInfo >"$out/build.log" 2>&1 || {
  cat "$out/build.log"; echo "check:valgrind: the build of the addon failed"; exit 1; }
export TEJIT_ADDON_PATH=$out/RelWithDebInfo/tejit.node
export TEJIT_CFLAGS="-march=x86-64-v3 -g"
export TEJIT_CACHE_DIR=$out/kernel-cache
unset TEJIT_DISABLE_CACHE
rm -rf "$TEJIT_CACHE_DIR"
vg=(nice valgrind --error-exitcode=99 --leak-check=no --num-callers=40 --suppressions=scripts/valgrind.supp)

rc=0
"${vg[@]}" --log-file="$out/selfcheck.log" node --import tsx scripts/oob-kernel.ts >/dev/null 2>&1 || rc=$?
if [[ $rc -ne 99 ]] || ! grep -q "Invalid write of size 4" "$out/selfcheck.log" || ! grep -q "oob_write" "$out/selfcheck.log"; then
  echo "check:valgrind: SELF-CHECK FAILED: a write past an array in a kernel was not reported (exit $rc)"
  cat "$out/selfcheck.log"
  exit 1
fi
echo "check:valgrind: self-check ok: the out-of-bounds write was reported ($(grep -m1 -o "Invalid write.*" "$out/selfcheck.log"), in oob_write)"

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  # compile.test.ts is left out: it empties the cache this run shares, and it is about the
  # compile driver (files, processes), not memory.
  files=(test/runtime/{callbacks,kernels,module,ndarray,parallel,registry}.test.ts test/codegen/*.test.ts test/extern/*.test.ts)
fi
# Left out, not a memory matter: it expects 16-lane vectors, which -march=x86-64-v3 (8 lanes of
# float32 per AVX2 register) does not give.
excludes=(--exclude "matmul with the GEMM tutorial's schedule (packed B, blocked, k split and unrolled, vectorized, parallel)")

echo "check:valgrind: ${#files[@]} test files natively first (they must pass; fills the kernel cache)"
nice node --import tsx scripts/run-tests.ts "${excludes[@]}" "${files[@]}" >"$out/native.log" 2>&1 || {
  grep -v "^  ok" "$out/native.log"; echo "check:valgrind: the tests fail without valgrind"; exit 1; }
tail -1 "$out/native.log"

echo "check:valgrind: the same under valgrind (log: build/valgrind/memcheck.log)"
rc=0
"${vg[@]}" --log-file="$out/memcheck.log" node --import tsx scripts/run-tests.ts "${excludes[@]}" "${files[@]}" >"$out/tests.log" 2>&1 || rc=$?
grep -v "^  ok" "$out/tests.log" || true
summary=$(grep -o "ERROR SUMMARY: .*" "$out/memcheck.log" | tail -1 || true)
if [[ $rc -eq 99 ]] || [[ "$summary" != "ERROR SUMMARY: 0 errors"* ]]; then
  echo "check:valgrind: memcheck found errors:"
  grep -v "Warning: set address range perms" "$out/memcheck.log"
  rc=1
elif [[ $rc -ne 0 ]]; then
  echo "check:valgrind: tests failed under valgrind (exit $rc)"
  rc=1
fi
echo "check:valgrind: $(tail -1 "$out/tests.log"); memcheck ${summary:-gave no summary}; $(( $(date +%s) - start )) s"
exit $rc
