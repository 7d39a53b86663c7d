#!/usr/bin/env bash
# `make fuzz`: runs each cargo-fuzz target for FUZZ_SECONDS (default 60) and stops.
# cargo-fuzz wants nightly features; this machine has only a stable toolchain, so
# RUSTC_BOOTSTRAP lets stable accept them, and the sanitizer is off (coverage still guides).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${FUZZ_SECONDS:-60}

if ! command -v cargo-fuzz >/dev/null; then
  echo "==> cargo install cargo-fuzz (about 2 minutes)"
  cargo install cargo-fuzz
fi

for target in event zoom_answer; do
  echo "==> fuzzing '$target' for ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" --sanitizer none -- \
    -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 2>&1 | grep -E '^(stat::number_of_executed_units|Done|==|.*panicked|.*ERROR)' || true
  if [ -n "$(ls fuzz/artifacts/"$target" 2>/dev/null)" ]; then
    echo "fuzz: '$target' found a failing input in fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
echo "==> fuzzing found nothing"
