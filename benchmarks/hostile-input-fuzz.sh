#!/usr/bin/env sh
# The long run of the hostile-input fuzz test (issue 15): N mutated programs (default 20000) from the deterministic
# corpus in tests/ParallelGen.Generator.Tests/MutationCorpus.cs, seed S (default 15), through the generator and every
# analyzer. The test suite runs 200 of them. Usage: benchmarks/hostile-input-fuzz.sh [N] [S]
set -eu
cd "$(dirname "$0")/.."
dotnet build tests/ParallelGen.Generator.Tests -c Release
# DOTNET_DefaultStackSize (hex): every thread of the test host gets a 512 KB stack, also the thread-pool threads the
# analyzer driver runs analyzers on (the test itself runs the generator on a 512 KB thread of its own).
DOTNET_DefaultStackSize=80000 PARALLELGEN_FUZZ_INPUTS="${1:-20000}" PARALLELGEN_FUZZ_SEED="${2:-15}" \
  dotnet test tests/ParallelGen.Generator.Tests -c Release --no-build \
  --filter "FullyQualifiedName~FuzzTests" --logger "console;verbosity=detailed"
