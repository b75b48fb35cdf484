#!/usr/bin/env bash
# Builds and runs this consumer against the packed ParallelGen package, the way a user would: a copy of the project
# outside the repository (so no Directory.Build.props applies), restored from artifacts/packages only, into an empty
# package cache (so an older package with the same version cannot be picked up). Prints PASS/FAIL lines.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
feed="$repo/artifacts/packages"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { echo "PASS consumer: $1"; }
fail() { echo "FAIL consumer: $1"; }

if [ ! -f "$feed/ParallelGen.$version.nupkg" ]; then
  fail "package ParallelGen.$version.nupkg not found in $feed (run dotnet pack first)"
  exit 1
fi

# The package holds the runtime and, under analyzers/dotnet/cs, the generator, analyzers and code fixes.
listing=$(unzip -l "$feed/ParallelGen.$version.nupkg")
missing=""
for f in lib/net10.0/ParallelGen.dll analyzers/dotnet/cs/ParallelGen.Generator.dll analyzers/dotnet/cs/ParallelGen.Analyzers.dll analyzers/dotnet/cs/ParallelGen.CodeFixes.dll; do
  grep -q " $f\$" <<<"$listing" || missing="$missing $f"
done
[ -z "$missing" ] && pass "package layout" || fail "package lacks:$missing"

cp "$repo/tests/PackageConsumer/PackageConsumer.csproj" "$repo/tests/PackageConsumer/Program.cs" "$work/"
cd "$work"
# The local feed is added to the machine's usual sources (ParallelGen's dependencies come from those).
cat >NuGet.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="parallelgen-local" value="$feed" />
  </packageSources>
</configuration>
XML
props=(-p:ParallelGenVersion="$version" --packages "$work/packages")

if dotnet restore "${props[@]}" >restore.log 2>&1; then
  pass "restore from the local feed"
else
  cat restore.log; fail "restore from the local feed"; exit 1
fi

if dotnet build --no-restore -c Release -warnaserror -p:ParallelGenVersion="$version" >build.log 2>&1; then
  pass "build warning-free with -warnaserror"
else
  grep -E "error|warn" build.log | head -20; fail "build warning-free with -warnaserror"
fi

if dotnet run --no-build -c Release >run.log 2>&1; then
  pass "program checks (see below)"
else
  fail "program checks"
fi
sed 's/^/    /' run.log

# The analyzers ship and run in a user's build: PG0005 (error) and PG0001 (warning) must be reported.
dotnet build --no-restore -c Release -p:ParallelGenVersion="$version" -p:DefineConstants=PG_DIAGNOSTICS_CHECK -o "$work/diag" >diag.log 2>&1
grep -q "error PG0005" diag.log && pass "PG0005 reported for a non-partial type" || fail "PG0005 reported for a non-partial type"
grep -q "warning PG0001" diag.log && pass "PG0001 reported for a shared Random" || fail "PG0001 reported for a shared Random"
