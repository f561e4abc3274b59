#!/usr/bin/env bash
# Drives the emulator with software nobody here wrote: SignalWire's Python library
# (signalwire 2.1.1 on twilio 6.54), Twilio's Python library 9.x, and schemathesis with
# openapi/compatibility.yaml. Each gets a fresh emulator started by the command-line tool.
# With each library, a voice app written with it (voice_app.py) is run by the emulator and
# checks every request it gets with the library's own validator.
#
# Needs python3 with venv and pip, and network access to PyPI the first time (the venvs are
# kept under target/conformance/ and reused).
set -euo pipefail
cd "$(dirname "$0")/../.."

venvs=target/conformance
python=${PYTHON:-python3}

venv() { # name, packages...
  local dir="$venvs/$1"; shift
  if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -m pip show -q "${@%%==*}" >/dev/null 2>&1; then
    rm -rf "$dir"
    "$python" -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  fi
}
venv signalwire "signalwire==2.1.1" "twilio==6.54.0"
venv twilio "twilio==9.13.0"
venv schemathesis "schemathesis==4.32.5"

cargo build --quiet --features cli --bin signalwire-compat
cli=target/debug/signalwire-compat

# Starts an emulator, exports where it is, and leaves its PID in $emulator_pid.
start_emulator() {
  local out="$venvs/emulator.json"
  "$cli" emulator --output json --stop-after 600 >"$out" &
  emulator_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$out" ] && break
    sleep 0.1
  done
  eval "$("$python" - "$out" <<'PY'
import json, shlex, sys
d = json.loads(open(sys.argv[1]).readline())
for key, value in [("BASE_URL", d["base_url"]), ("PROJECT_ID", d["project_id"]),
                   ("API_TOKEN", d["api_token"]), ("CONFERENCE_SID", d["conference_sid"]),
                   ("SIGNING_KEY", d["signing_key"])]:
    print("export EMULATOR_%s=%s" % (key, shlex.quote(value)))
PY
)"
}
stop_emulator() { kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; }
trap stop_emulator EXIT

for library in signalwire twilio; do
  echo "== $library Python library against the emulator"
  start_emulator
  "$venvs/$library/bin/python" tests/conformance/helper_libraries.py "$library"
  echo "== a voice app in Python, written with the $library library, run by the emulator"
  "$venvs/$library/bin/python" tests/conformance/voice_app.py "$library"
  stop_emulator
done

echo "== schemathesis against the emulator"
start_emulator
# Run from inside target/, so that the cache schemathesis writes to its working directory
# (.schemathesis/) stays out of the repository.
root=$(pwd)
(cd "$venvs" && "$root/$venvs/schemathesis/bin/schemathesis" \
  --config-file "$root/tests/conformance/schemathesis.toml" \
  run "$root/openapi/compatibility.yaml" --url "$EMULATOR_BASE_URL" --checks all --no-color)
stop_emulator

# SignalWire's own spec, where it is beside the checkout (CI), over the operations we have.
# Every check runs (the configuration enables them all); `--checks` is left off, since on the
# command line it would win over the per-operation settings the configuration explains.
signalwire_spec="$root/../shared/reference/signalwire/compatibility-openapi-3.1.yaml"
if [ -f "$signalwire_spec" ]; then
  echo "== schemathesis with SignalWire's published spec against the emulator"
  start_emulator
  (cd "$venvs" && "$root/$venvs/schemathesis/bin/schemathesis" \
    --config-file "$root/tests/conformance/schemathesis-signalwire.toml" \
    run "$signalwire_spec" --url "$EMULATOR_BASE_URL" --no-color \
    --include-path-regex '/(Conferences|Applications|LamlBins|Calls|IncomingPhoneNumbers|Messages|AvailablePhoneNumbers)' \
    --exclude-path-regex '/Faxes')
  stop_emulator
elif [ "${CI:-}" = true ]; then
  echo "SignalWire's spec is not at $signalwire_spec" >&2
  exit 1
else
  echo "== skipped: schemathesis with SignalWire's spec (not at $signalwire_spec)"
fi
# A run must leave a clean checkout clean (checked in CI, which starts from one).
if [ "${CI:-}" = true ] && [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  echo "the conformance run changed files in the repository:" >&2
  git status --porcelain >&2
  exit 1
fi
