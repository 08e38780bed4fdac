#!/usr/bin/env bash
# The README's first command: install, build the quickstart, and run it against the embedded emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target quickstart
./build/examples/quickstart
