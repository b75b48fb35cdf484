#!/usr/bin/env bash
# Builds and runs this consumer against the packed ParallelGen package, the way a user would: a copy of the project
# outside the repository (so no Directory.Build.props applies), restored from artifacts/packages only, into an empty
# package cache (so an older package with the same version cannot be picked up). Prints PASS/FAIL lines.
set -uo pipefail
label="consumer: "
source "$(dirname "$0")/consumer-setup.sh"
cd "$work"
props=(-p:ParallelGenVersion="$version" --packages "$work/packages")

if dotnet restore "${props[@]}" >restore.log 2>&1; then
  pass "restore from the local feed"
else
  cat restore.log; fail "restore from the local feed"; exit 1
fi

# The package holds the runtime and, under analyzers/dotnet/cs, the generator, analyzers and code fixes. NuGet has
# just extracted it into this run's package folder, so its files are listed there (no unzip needed).
extracted="$work/packages/parallelgen/$version"
missing=""
for f in lib/net10.0/ParallelGen.dll runtimes/linux-x64/lib/net10.0/ParallelGen.dll buildTransitive/worker/ParallelGen.Worker.dll analyzers/dotnet/cs/ParallelGen.Generator.dll analyzers/dotnet/cs/ParallelGen.Analyzers.dll analyzers/dotnet/cs/ParallelGen.CodeFixes.dll README.md icon.png RELEASE-NOTES.md; do
  [ -f "$extracted/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && pass "package layout" || fail "package lacks:$missing"
[ -f "$feed/ParallelGen.$version.snupkg" ] && pass "symbols package (.snupkg)" || fail "no ParallelGen.$version.snupkg next to the package"

# Every rule page travels with the package (docs/rules/PGxxxx.md), so a diagnostic's page is readable offline.
missing=""
for page in "$repo"/docs/rules/PG*.md; do
  f="docs/rules/$(basename "$page")"
  [ -f "$extracted/$f" ] || missing="$missing $f"
done
if ! ls "$repo"/docs/rules/PG*.md >/dev/null 2>&1; then
  fail "no rule pages under docs/rules"
elif [ -z "$missing" ]; then
  pass "package carries the rule pages (docs/rules/*.md)"
else
  fail "package lacks the rule pages:$missing"
fi


if dotnet build --no-restore -c Release -warnaserror -p:ParallelGenVersion="$version" >build.log 2>&1; then
  pass "build warning-free with -warnaserror"
else
  grep -E "error|warn" build.log | head -20; fail "build warning-free with -warnaserror"
fi

# On linux-x64 the host loads ParallelGen's ReadyToRun image (runtimes/linux-x64/lib), listed in the app's deps.json.
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
  if [ -f bin/Release/net10.0/runtimes/linux-x64/lib/net10.0/ParallelGen.dll ] \
     && grep -q '"runtimes/linux-x64/lib/net10.0/ParallelGen.dll"' bin/Release/net10.0/*.deps.json; then
    pass "the ReadyToRun image of ParallelGen is in the app's output and deps.json (linux-x64)"
  else
    fail "the ReadyToRun image of ParallelGen is in the app's output and deps.json (linux-x64)"
  fi
fi

# JIT workers run the worker program, which the package's buildTransitive targets copy next to the app.
[ -f bin/Release/net10.0/ParallelGen.Worker.dll ] && pass "the worker program (ParallelGen.Worker.dll) is in the app's output" \
  || fail "the worker program (ParallelGen.Worker.dll) is in the app's output"

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

# The README as a newcomer uses it: its install commands (the block after "<!-- install-commands"), run in a new
# console app, then every C# block marked "<!-- complete-program" pasted as that app's Program.cs, built
# warning-free and run. Its package folder is its own and empty, as on a machine that never restored ParallelGen.
readme="$repo/README.md"
snippets="$work/readme-snippets"
mkdir -p "$snippets"
awk -v dir="$snippets" '
  /^<!-- complete-program/ { mark = "program"; next }
  /^<!-- install-commands/ { mark = "install"; next }
  mark != "" && /^```/ {
    if (mark == "program") { n++; out = sprintf("%s/program%d.cs", dir, n) } else { out = dir "/install.sh" }
    mark = ""; inblock = 1; next
  }
  inblock && /^```$/ { inblock = 0; close(out); next }
  inblock { print > out; next }
  { mark = "" }
' "$readme"
programs=$(ls "$snippets"/program*.cs 2>/dev/null | sort -V)
markers=$(grep -c '^<!-- complete-program' "$readme" || true)
app="$work/readme-app"
(cd "$work" && NUGET_PACKAGES="$work/readme-packages" dotnet new console -o "$app" >"$work/readme-new.log" 2>&1) || { cat "$work/readme-new.log"; fail "dotnet new console"; }

if [ ! -f "$snippets/install.sh" ]; then
  fail "README has no block marked <!-- install-commands -->"
elif ! grep -q '^dotnet pack src/Runtime/ParallelGen.csproj -c Release' "$snippets/install.sh"; then
  fail "README install commands do not start from dotnet pack src/Runtime/ParallelGen.csproj -c Release"
elif ! grep -q -- "--version $version\b" "$snippets/install.sh"; then
  fail "README install commands do not name the current version $version"
else
  # The pack already happened (CI packs before this script); the rest runs as written, with the clone's real path.
  grep -v '^dotnet pack ' "$snippets/install.sh" | sed "s:/path/to/ParallelGen:$repo:g" >"$snippets/install-here.sh"
  if (cd "$app" && NUGET_PACKAGES="$work/readme-packages" bash -euo pipefail "$snippets/install-here.sh") >"$work/readme-install.log" 2>&1 \
     && grep -q "PackageReference Include=\"ParallelGen\" Version=\"$version\"" "$app"/*.csproj; then
    pass "README install commands add ParallelGen $version from the local folder feed"
  else
    grep -v X.509 "$work/readme-install.log" | tail -20; fail "README install commands add ParallelGen $version from the local folder feed"
  fi
fi

if [ -z "$programs" ] || [ "$markers" -ne "$(wc -w <<<"$programs")" ]; then
  fail "README complete programs: $markers marked, $(wc -w <<<"$programs") extracted"
else
  for program in $programs; do
    name="README $(basename "$program" .cs) (line $(grep -n -F -x -m 1 "$(sed -n 3p "$program")" "$readme" | cut -d: -f1))"
    cp "$program" "$app/Program.cs"
    if ! (cd "$app" && NUGET_PACKAGES="$work/readme-packages" dotnet build -c Release -warnaserror >"$work/readme-build.log" 2>&1); then
      grep -E "error|warn" "$work/readme-build.log" | sort -u | head -20; fail "$name compiles as pasted"
      continue
    fi
    pass "$name compiles as pasted (-warnaserror)"
    if (cd "$app" && timeout 120 dotnet run --no-build -c Release >"$work/readme-run.log" 2>&1); then
      pass "$name runs"
    else
      fail "$name runs"
    fi
    sed 's/^/    /' "$work/readme-run.log"
  done
fi
