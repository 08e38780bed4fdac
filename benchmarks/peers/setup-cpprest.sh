#!/usr/bin/env bash
# Makes Microsoft's C++ REST SDK 2.10 usable by benchmarks/peers/cpprest_peer.cpp without touching the system's
# Boost 1.81: Debian's libcpprest-dev depends on Boost 1.74, and installing it with apt removes libboost1.81-dev.
# So: the runtime library (libcpprest2.10, which needs no Boost package) comes from apt, and the -dev headers plus
# Boost 1.74's headers are unpacked into a private prefix that only the cpprest peer compiles against (-isystem).
#     benchmarks/peers/setup-cpprest.sh [PREFIX]     (default: build-bench/cpprest-prefix; idempotent)
# Exits 0 with the prefix ready, 1 (with the reason on stderr) when it cannot be made; the runner then skips
# sync_vs_cpprestsdk.
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=$(realpath -m "${1:-build-bench/cpprest-prefix}")
stamp="$prefix/.complete"
runtime=/usr/lib/x86_64-linux-gnu/libcpprest.so.2.10
[ -f "$stamp" ] && [ -e "$runtime" ] && { echo "$prefix"; exit 0; }

if [ ! -e "$runtime" ]; then
  # Refuse anything that would remove a package (Boost 1.81 above all).
  if apt-get install --dry-run libcpprest2.10 2>/dev/null | grep -q '^Remv'; then
    echo "setup-cpprest: installing libcpprest2.10 would remove packages; not done" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcpprest2.10 >/dev/null 2>&1 || {
    echo "setup-cpprest: apt-get install libcpprest2.10 failed" >&2
    exit 1
  }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Headers only: libcpprest-dev (cpprest/, pplx/) and Boost 1.74 (the SDK's headers include Boost.Asio).
(cd "$work" && apt-get download libcpprest-dev libboost1.74-dev >/dev/null 2>&1) || {
  echo "setup-cpprest: apt-get download libcpprest-dev libboost1.74-dev failed" >&2
  exit 1
}
rm -rf "$prefix"
mkdir -p "$prefix"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$prefix"; done
[ -f "$prefix/usr/include/cpprest/http_client.h" ] && [ -d "$prefix/usr/include/boost/asio" ] || {
  echo "setup-cpprest: unpacked packages lack cpprest/http_client.h or boost/asio" >&2
  exit 1
}
touch "$stamp"
echo "$prefix"
