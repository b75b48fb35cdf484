#!/usr/bin/env bash
# Publishes this consumer as a Native AOT executable against the packed ParallelGen package, the way a user would
# (a copy outside the repository, restored from artifacts/packages into an empty package folder), checks that the
# publish reports no trim/AOT warning (IL2xxx/IL3xxx) from ParallelGen, and runs the executable: thread and process
# backend checks, the process workers being the native executable itself. Prints PASS/FAIL lines ("PASS consumer:"
# like run.sh, so .ci/run counts them). One publish (~3 min on 2 busy cores).
#
# Native AOT links with clang and lld and needs zlib: as root, the Debian packages are installed when missing.
set -uo pipefail
label="consumer: aot: "
source "$(dirname "$0")/consumer-setup.sh"

if ! command -v clang >/dev/null 2>&1 || ! command -v ld.lld >/dev/null 2>&1 || ! dpkg -s zlib1g-dev >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing clang, lld and zlib1g-dev for the Native AOT linker"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq clang lld zlib1g-dev) >"$work/apt.log" 2>&1 \
      || { tail -n 20 "$work/apt.log"; fail "apt-get install clang lld zlib1g-dev"; exit 1; }
  else
    fail "clang, lld and zlib1g-dev are needed for a Native AOT publish (apt-get install clang lld zlib1g-dev as root)"
    exit 1
  fi
fi

cd "$work"

rid=linux-x64
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; esac
log="$work/publish.log"
# The ILCompiler packages come from the registry (the SDK picks their version); ParallelGen from the local feed.
if dotnet publish -c Release -r "$rid" -p:PublishAot=true -p:ParallelGenVersion="$version" --packages "$work/packages" \
     -o "$work/native" >"$log" 2>&1; then
  pass "dotnet publish -p:PublishAot=true"
else
  grep -E "error|warn" "$log" | sort -u | head -30; fail "dotnet publish -p:PublishAot=true"; exit 1
fi

# Trim and AOT analysis warnings that name ParallelGen (its assembly, its source, its types), once each.
# (The project named in brackets at the end of each line is cut first; the package's folder is spelled parallelgen.)
warnings=$(grep -E "warning IL[23][0-9]{3}" "$log" | sed 's/ \[[^]]*\]$//' | sort -u)
ours=$(grep -i "parallelgen" <<<"$warnings")
others=$(grep -v -i "parallelgen" <<<"$warnings")
if [ -z "$ours" ]; then
  pass "no IL2xxx/IL3xxx warning from ParallelGen"
else
  echo "$ours" | head -20; fail "no IL2xxx/IL3xxx warning from ParallelGen"
fi
if [ -n "$others" ]; then
  echo "    (other assemblies' trim/AOT warnings, for information:)"
  echo "$others" | head -10 | sed 's/^/    /'
fi

exe="$work/native/PackageConsumer"
if [ -x "$exe" ] && [ ! -f "$work/native/PackageConsumer.dll" ]; then
  pass "native executable (no PackageConsumer.dll next to it)"
else
  fail "native executable (no PackageConsumer.dll next to it)"
fi

if timeout 120 "$exe" >"$work/run.log" 2>&1; then
  pass "program checks as a native executable, threads and processes (see below)"
else
  fail "program checks as a native executable, threads and processes"
fi
sed 's/^/    /' "$work/run.log"
# Each of the program's own checks counts too (threads and processes), as a native executable.
sed -n 's/^PASS \(.*\)$/PASS consumer: aot: native: \1/p; s/^FAIL \(.*\)$/FAIL consumer: aot: native: \1/p' "$work/run.log"
