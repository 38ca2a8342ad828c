#!/usr/bin/env bash
# The consumer test: what a user of the NuGet package sees. Packs the library to a local folder feed (with a
# version unique to this run, so that no cached package is reused), makes a fresh console app in a temporary
# folder (`dotnet new console`), references the packages (TransferLearning, TransferLearning.Onnx, TransferLearning.OnnxRuntime and TransferLearning.MLNet) from that feed (nuget.org stays reachable for its
# dependencies) and:
#   1. runs tests/ConsumerApp/Program.cs in it: pretrain and save in one process, then load, transfer, predict,
#      save and reload in a second process, and load the deployable model it saved in a third (the program exits
#      non-zero on any mismatch);
#   2. builds every C# block of README.md and of the package READMEs (src/*/PACKAGE.md) as that
#      app's whole Program.cs: each block must compile on its own when pasted into a new console app; the block of
#      TransferLearning.MLNet's README (an ML.NET pipeline: fit, evaluate, save, load) also runs.
# Prints "consumer-check: passed NAME" or "consumer-check: failed NAME" per check, then "consumer checks: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=$(mktemp -d)
# A pre-release of the version in src/Directory.Build.props, unique to this run: package validation compares the
# pack with the released baseline (eng/baseline), whose assembly version the new one may not be below.
release=$(sed -nE 's:.*<Version>([^<]+)</Version>.*:\1:p' "$root/src/Directory.Build.props" | head -n 1)
version="${release}-consumer.$(date +%s).$$"
packages=$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: *//')
cleanup() { rm -rf "$work" "$packages/transferlearning/$version" "$packages/transferlearning.onnx/$version" "$packages/transferlearning.onnxruntime/$version" "$packages/transferlearning.mlnet/$version"; }
trap cleanup EXIT
passed=0
failed=0

check() {   # check NAME COMMAND...: runs the command, logs it, counts and prints the outcome
  local name=$1
  shift
  if "$@" >"$work/check.log" 2>&1; then
    passed=$((passed + 1))
    echo "consumer-check: passed $name"
  else
    failed=$((failed + 1))
    echo "consumer-check: failed $name"
    tail -n 40 "$work/check.log" | sed 's/^/    /'
  fi
}

make_app() {
  dotnet pack "$root/src/TransferLearning" -c Release -o "$work/feed" -p:Version="$version" &&
    dotnet pack "$root/src/TransferLearning.Onnx" -c Release -o "$work/feed" -p:Version="$version" &&
    dotnet pack "$root/src/TransferLearning.OnnxRuntime" -c Release -o "$work/feed" -p:Version="$version" &&
    dotnet pack "$root/src/TransferLearning.MLNet" -c Release -o "$work/feed" -p:Version="$version" &&
    dotnet new console -o "$work/app" -n ConsumerApp &&
    printf '<configuration>\n  <packageSources>\n    <add key="local" value="%s" />\n  </packageSources>\n</configuration>\n' "$work/feed" >"$work/app/nuget.config" &&
    dotnet add "$work/app" package TransferLearning --version "$version" &&
    dotnet add "$work/app" package TransferLearning.Onnx --version "$version" &&
    dotnet add "$work/app" package TransferLearning.OnnxRuntime --version "$version" &&
    dotnet add "$work/app" package TransferLearning.MLNet --version "$version"
}

run_consumer() {
  cp "$root/tests/ConsumerApp/Program.cs" "$work/app/Program.cs" &&
    dotnet build "$work/app" -c Release --no-restore &&
    mkdir -p "$work/data" &&
    dotnet "$work/app/bin/Release/net10.0/ConsumerApp.dll" pretrain "$work/data" &&
    dotnet "$work/app/bin/Release/net10.0/ConsumerApp.dll" transfer "$work/data" &&
    dotnet "$work/app/bin/Release/net10.0/ConsumerApp.dll" predict "$work/data"
}

build_block() {   # build_block FILE: FILE becomes the app's Program.cs
  cp "$1" "$work/app/Program.cs" && dotnet build "$work/app" -c Release --no-restore -v quiet -nologo
}

run_block() {   # run_block FILE: builds FILE as the app's Program.cs and runs it (the ML.NET pipeline: fit, evaluate, save, load)
  build_block "$1" && (cd "$work/data" && dotnet "$work/app/bin/Release/net10.0/ConsumerApp.dll")
}

check "package-and-fresh-console-app" make_app
if [ "$failed" -eq 0 ]; then
  check "pretrain-save-then-load-transfer-predict-in-a-second-process" run_consumer
  for doc in README.md src/TransferLearning/PACKAGE.md src/TransferLearning.Onnx/PACKAGE.md src/TransferLearning.OnnxRuntime/PACKAGE.md src/TransferLearning.MLNet/PACKAGE.md; do
    # Split the document's ```csharp blocks into files block-1.cs, block-2.cs, …
    rm -f "$work"/block-*.cs
    awk -v out="$work/block-" '/^```csharp[[:space:]]*$/ { n++; inside = 1; next } /^```/ { inside = 0; next } inside { print > (out n ".cs") }' "$root/$doc"
    for block in $(ls "$work"/block-*.cs 2>/dev/null | sort -V); do
      if [ "$doc" = src/TransferLearning.MLNet/PACKAGE.md ]; then
        check "$doc-csharp-block-$(basename "$block" .cs | sed 's/block-//')-compiles-and-runs-in-a-fresh-console-app" run_block "$block"
      else
        check "$doc-csharp-block-$(basename "$block" .cs | sed 's/block-//')-compiles-in-a-fresh-console-app" build_block "$block"
      fi
    done
  done
fi

echo "consumer checks: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
