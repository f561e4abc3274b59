#!/usr/bin/env bash
# Runs every benchmark and prints one Markdown table: the machine, the build costs, the
# client against its hand-written baseline (see benches/client.rs), and the emulator running
# 1,000 calls at once (benches/calls.rs).
#
# Build costs: a clean `cargo build` (default features, empty target directory), a rebuild
# after touching only src/ (the build script must not run again), and one after touching only
# the spec (it must). Takes about ten minutes on 2 cores; needs wrk for the server ceiling.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds() { # command... -> wall seconds, with the command's output discarded
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR="$scratch/target"

# An edit is a real change (a comment appended, then taken out again), built with -v so
# the log says whether the build script ran.
edit() { # file, comment -> "seconds reran", reran being how often the build script ran
  local file=$1 saved="$scratch/saved" start end
  cp "$file" "$saved"
  echo "$2" >>"$file"
  start=$(date +%s.%N)
  cargo build -v >"$scratch/log" 2>&1
  end=$(date +%s.%N)
  cp "$saved" "$file"
  echo "$(echo "$end - $start" | bc) $(grep -c 'build-script-build`' "$scratch/log" || true)"
}
clean=$(seconds cargo build)
read -r edit_src reran_src < <(edit src/lib.rs "// edited")
read -r edit_spec reran_spec < <(edit openapi/compatibility.yaml "# edited")
cargo build >/dev/null 2>&1
unset CARGO_TARGET_DIR

table=$(cargo bench --quiet --features emulator --bench client 2>/dev/null)
calls=$(cargo bench --quiet --features emulator --bench calls 2>/dev/null)

cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')
echo "Machine: $(nproc) cores ($cpu), $memory, $(rustc --version | cut -d' ' -f1-2), $(date -u +%Y-%m-%d)."
echo
echo "$table"
echo "$calls"
printf '| clean `cargo build` (default features, empty target/) | %.0f s | | | < 60 s |\n' "$clean"
printf '| rebuild after editing src/ only | %.1f s (build script ran: %s) | | | build.rs does not rerun |\n' \
  "$edit_src" "$([ "$reran_src" = 0 ] && echo no || echo yes)"
printf '| rebuild after editing the spec only | %.1f s (build script ran: %s) | | | |\n' \
  "$edit_spec" "$([ "$reran_spec" = 0 ] && echo no || echo yes)"
