#!/usr/bin/env bash
# Builds a copy of pkg/ whose .wasm keeps its function names, into bench/.profile-pkg/, for
# CPU profiles and twiggy. Same source, flags and wasm-opt passes as scripts/build.sh, except
# that names are kept (-g) and nothing is stripped. Its own target dir keeps it out of the way
# of the main build.
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/.profile-pkg
target_dir=${BENCH_TARGET_DIR:-${TMPDIR:-/tmp}/zoom-gateway-bench-target}
wasm=$target_dir/wasm32-unknown-unknown/release/zoom_gateway.wasm

echo "==> cargo build (wasm32, release) into $target_dir"
cargo build --lib --release --target wasm32-unknown-unknown --quiet --target-dir "$target_dir"

echo "==> wasm-bindgen and wasm-opt -Oz, names kept"
rm -rf "$out"
wasm-bindgen --target web --no-typescript --keep-debug --out-dir "$out" --out-name zoom_gateway "$wasm"
node_modules/.bin/wasm-opt -Oz -g \
  --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
  "$out/zoom_gateway_bg.wasm" -o "$out/zoom_gateway_bg.wasm"

# Every JS file of the package, as scripts/build.sh copies them.
cp js/*.js js/package.json "$out/"
echo "==> $out built: zoom_gateway_bg.wasm $(wc -c < "$out/zoom_gateway_bg.wasm") bytes with names"
