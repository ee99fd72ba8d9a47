#!/usr/bin/env bash
# Drives the packaged server with Neovim's built-in LSP client (Debian's Neovim, headless), the way
# an editor other than VS Code would: opens a program with a shape error and checks the diagnostic
# (code and exact range), hover and go-to-definition. Needs `nvim` and cli/target/nnet.jar.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/compiler/src/test/resources/fixtures/shape_mismatch.nnet" "$work/bad.nnet"
out=$(cd "$work" && NNET_JAR="$root/cli/target/nnet.jar" NNET_FILE=bad.nnet \
  timeout 120 nvim --headless -u NONE -c "luafile $here/client.lua" 2>/dev/null)
echo "$out"
grep -q '^diag 5:25-5:28 NNET0301 `fc2` expects \[\*B, 256\]' <<<"$out"
grep -q '^hover: .*output `f32\[N, 128\]`' <<<"$out"
grep -q '^definition: file://.*std/nn.nnet line ' <<<"$out"
echo "neovim client check: passed"
