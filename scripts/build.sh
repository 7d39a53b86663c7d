#!/usr/bin/env bash
# Builds the npm package into pkg/: the .wasm (size-tuned), wasm-bindgen's glue and our
# entry points for Node, workerd and browsers.
set -euo pipefail
cd "$(dirname "$0")/.."

target=target/wasm32-unknown-unknown/release/zoom_gateway.wasm
wasm_opt=node_modules/.bin/wasm-opt

echo "==> cargo build (wasm32, release)"
cargo build --lib --release --target wasm32-unknown-unknown --quiet

# Built beside pkg/ and swapped in at the end, so that pkg/ is never half-made for a
# suite or a server that is using it.
out=pkg.next
rm -rf "$out"

echo "==> wasm-bindgen"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name zoom_gateway "$target"

echo "==> wasm-opt -Oz"
# The features Rust's wasm32 target emits by default; wasm-opt must accept them.
# --low-memory-unused: Rust puts the stack and data above 1 MiB, so addresses below 1 KiB are
# free for folding offsets; --converge repeats -Oz while it still shrinks the module.
"$wasm_opt" -Oz --converge --low-memory-unused --strip-debug --strip-producers \
  --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
  "$out/zoom_gateway_bg.wasm" -o "$out/zoom_gateway_bg.wasm"

cp js/authorize.js js/drive.js js/handle.js js/node.js js/workerd.js js/browser.js js/index.d.ts js/package.json README.md "$out/"
rm -rf pkg.old
[ -d pkg ] && mv pkg pkg.old
mv "$out" pkg
rm -rf pkg.old

raw=$(wc -c < pkg/zoom_gateway_bg.wasm)
gz=$(gzip -9 -c pkg/zoom_gateway_bg.wasm | wc -c)
echo "==> pkg/ built: zoom_gateway_bg.wasm ${raw} bytes, ${gz} gzip"
