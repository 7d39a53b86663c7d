#!/usr/bin/env bash
# Runs tests/wasm.rs with wasm-pack in Node and in headless Chromium, against the local
# simulator, whose address the tests learn at compile time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log=$(mktemp)
node sim/cli.js --port 0 >"$log" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q '"url"' "$log" && break
  sleep 0.1
done
ZOOM_SIM_URL=$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").split("\n")[0]; console.log(JSON.parse(l).url)' "$log")
# A port that was free a moment ago: nothing listens there, so connecting is refused.
ZOOM_CLOSED_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export ZOOM_SIM_URL ZOOM_CLOSED_PORT
echo "simulator at $ZOOM_SIM_URL; closed port $ZOOM_CLOSED_PORT"

echo "==> wasm-pack test --node"
wasm-pack test --node -- --test wasm_node

echo "==> wasm-pack test --headless --chrome"
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test wasm_browser
