#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there. Safe to re-run.
#   setup.sh build   Rust's wasm target, the wasm-bindgen CLI, the root npm tools (binaryen)
#   setup.sh test    all of the above, plus wasm-pack, Chromium and ChromeDriver, and the
#                    npm packages of each part (sim/, worker/, demo/, www/, bench/, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

# The wasm-bindgen CLI must equal the crate, which Cargo.toml pins with '='.
bindgen_version=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  step "cargo install wasm-bindgen-cli $bindgen_version (about 3 minutes)"
  # No --locked: one locked dependency is missing from the registry mirror here.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci (binaryen's wasm-opt, typescript)"
  npm ci --no-audit --no-fund
fi

[ "$what" = build ] && exit 0

if ! command -v wasm-pack >/dev/null; then
  step "cargo install wasm-pack (about 2 minutes)"
  cargo install wasm-pack
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  step "apt-get install chromium chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# Each part with its own package.json gets its locked dependencies. Run after pkg/ is
# built: worker/ and demo/ depend on it as a package.
for dir in sim worker demo www bench tests/integration; do
  if [ -f "$dir/package-lock.json" ] && { [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
    step "npm ci in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done
