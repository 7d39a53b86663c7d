#!/usr/bin/env bash
# Everything `make test` and CI run, in order, each stage announced. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

started=$SECONDS
stage() { printf '\n######## [%ds] %s\n' "$((SECONDS - started))" "$*"; }

stage "setup: build tools (wasm target, wasm-bindgen CLI, binaryen)"
bash scripts/setup.sh build

stage "format and lints (host and wasm32)"
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --quiet -- -D warnings

stage "native tests: the contract's code table, the shared cases, 100,000 generated events"
cargo test --quiet

stage "build pkg/"
bash scripts/build.sh

stage "setup: test tools (wasm-pack, Chromium, npm packages of each part)"
bash scripts/setup.sh test

stage "size budget"
node scripts/size-budget.mjs

stage "the package in Node: shared cases, hostile input, types, the simulator"
node --test tests/node/
node_modules/.bin/tsc -p tests/types

if [ -d tests/integration ]; then
  stage "hardening: faults, retries, load, memory, secrets (Node, against the simulator)"
  node --test tests/integration/
fi

stage "wasm-pack test --node and --headless --chrome against the simulator"
bash scripts/wasm-tests.sh

for part in sim worker demo www; do
  if [ -f "$part/package.json" ]; then
    stage "$part/ tests"
    (cd "$part" && npm test)
  fi
done

stage "make demo ONCE=1"
ONCE=1 bash scripts/demo.sh

stage "all stages passed"
