#!/usr/bin/env bash
# `make bench`: builds pkg/, installs what bench/ and worker/ need, runs the benchmarks and
# writes bench/results/latest.json. Arguments go to bench/run.js.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh build
bash scripts/build.sh
for dir in sim bench worker; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "==> npm ci in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done
node bench/run.js "$@"
