#!/usr/bin/env bash
# `make demo`: installs what is missing, builds pkg/, then runs demo/run.js, which starts the
# simulator, the Worker in workerd and the console page, and walks through a session.
#   ONCE=1          exit after the walkthrough, 0 only if every step gave its expected code
#   ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_REDIRECT_URI   use real Zoom (see demo/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '==> %s\n' "$*"; }

step "Checking the build tools (the first run installs them, a few minutes)"
bash scripts/setup.sh build

step "Building pkg/ (the first build compiles every crate, a few minutes)"
bash scripts/build.sh

# After the build: worker/ links the zoom-gateway package from pkg/.
for dir in sim worker demo; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    step "npm ci in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done

step "Starting the demo"
exec node demo/run.js
