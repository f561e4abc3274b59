#!/usr/bin/env bash
# Coverage-guided fuzzing on a stable toolchain, without cargo-fuzz: the same instrumentation
# cargo-fuzz adds with `--sanitizer none`. Usage: fuzz/run.sh TARGET [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh decode|rfc2822 [SECONDS]}
seconds=${2:-60}
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
  -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the instrumentation out of build scripts and proc macros.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --bin "$target" --target "$host" --target-dir target/instrumented
mkdir -p "corpus/$target"
"target/instrumented/$host/release/$target" "corpus/$target" -max_total_time="$seconds" -print_final_stats=1
