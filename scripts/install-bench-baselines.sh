#!/usr/bin/env bash
# Installs every baseline of the benchmark suite (npm run bench): OpenBLAS, numpy and Halide 14
# from Debian (apt-get, as root), and onnxruntime-node into a scratch folder outside the
# package (never a dependency of tejit), with --onnxruntime-node-install=skip so that its install
# script downloads nothing beyond the CPU library the npm package ships.
#   bash scripts/install-bench-baselines.sh            everything
#   SKIP_APT=1 bash scripts/install-bench-baselines.sh only onnxruntime-node
# The scratch folder is $TEJIT_BENCH_ORT_DIR, else ${XDG_CACHE_HOME:-~/.cache}/tejit-bench/ort
# (bench/suite/baselines/install.ts reads the same variables).
set -euo pipefail

ORT_VERSION=1.30.0
ORT_DIR="${TEJIT_BENCH_ORT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tejit-bench/ort}"

if [ "${SKIP_APT:-0}" != 1 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libopenblas-dev python3-numpy libhalide14-0-dev g++
fi

mkdir -p "$ORT_DIR"
if [ ! -f "$ORT_DIR/package.json" ]; then
  echo '{ "name": "tejit-bench-ort", "private": true, "description": "onnxruntime-node for tejit benchmarks; not a dependency of tejit" }' > "$ORT_DIR/package.json"
fi
npm install --prefix "$ORT_DIR" --no-audit --no-fund "onnxruntime-node@$ORT_VERSION" --onnxruntime-node-install=skip
node -e "const o = require(require.resolve('onnxruntime-node', { paths: [process.argv[1]] })); console.log('onnxruntime-node', require(require.resolve('onnxruntime-node/package.json', { paths: [process.argv[1]] })).version, 'loads:', typeof o.InferenceSession.create === 'function')" "$ORT_DIR"
