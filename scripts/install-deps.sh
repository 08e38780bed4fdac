#!/usr/bin/env bash
# Installs what serverops needs on Debian 12: a C++20 compiler, CMake, Boost 1.81 (Debian's default is 1.74),
# OpenSSL, GoogleTest and Google Benchmark, and clang's libFuzzer/sanitizer runtimes for tests/fuzz/run.sh.
# Idempotent; uses sudo when not root.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
packages=(g++ clang cmake make libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev
          libgtest-dev libbenchmark-dev libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
