# Sourced by run.sh and aot.sh: a copy of this consumer project outside the repository (so no Directory.Build.props
# applies) in a fresh temporary folder, with a NuGet.config that adds the packed packages in artifacts/packages to the
# machine's usual sources. Expects `label` (the PASS/FAIL prefix) to be set; leaves repo, feed, version and work set,
# the current folder at the copy, and pass/fail defined. Exits when the package has not been packed.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
feed="$repo/artifacts/packages"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { echo "PASS $label$1"; }
fail() { echo "FAIL $label$1"; }

if [ ! -f "$feed/ParallelGen.$version.nupkg" ]; then
  fail "package ParallelGen.$version.nupkg not found in $feed (run dotnet pack first)"
  exit 1
fi

cp "$repo/tests/PackageConsumer/PackageConsumer.csproj" "$repo/tests/PackageConsumer/Program.cs" "$work/"
# The local feed is added to the machine's usual sources (ParallelGen's dependencies come from those).
cat >"$work/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="parallelgen-local" value="$feed" />
  </packageSources>
</configuration>
XML
