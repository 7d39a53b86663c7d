#!/usr/bin/env bash
# Everything `make test` and CI run, in order, each stage announced. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

stage() { printf '\n######## %s\n' "$*"; }

stage "setup"
bash scripts/setup.sh test

stage "format and lints (host and wasm32)"
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --quiet -- -D warnings

stage "native tests: the flow over a scripted transport, and the shared cases"
cargo test --quiet

stage "build pkg/"
bash scripts/build.sh

stage "package in Node: the shared cases, hostile input, types"
node --test tests/node/
node_modules/.bin/tsc -p tests/types

stage "size budget"
node scripts/size-budget.mjs

for part in sim worker www; do
  if [ -f "$part/package.json" ]; then
    stage "$part/ tests"
    (cd "$part" && npm test)
  fi
done

if [ -f scripts/wasm-tests.sh ]; then
  stage "wasm-pack test --node and --headless --chrome against a loopback server"
  bash scripts/wasm-tests.sh
fi

stage "all stages passed"
