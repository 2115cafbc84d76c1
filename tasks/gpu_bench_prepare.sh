#!/usr/bin/env bash
# Builds .gpu_bench/, everything the GPU benchmark (tasks/gpu_bench.sh) needs
# on a machine that has no Deno, no npm cache and no network:
#   deno.xz       this machine's Deno binary, xz-compressed
#   bench.js      tasks/gpu_bench.ts bundled with only what it imports
#   *.mjs, *.wasm.xz  onnxruntime-web's loaders and wasm builds, which the
#                 bundle loads from its own folder (threaded wasm, and the
#                 asyncify build of the webgpu provider)
#   libvulkan1_*.deb  the Vulkan loader, for a machine without one
# and prints the sizes: the folder travels with the working tree, 64 MiB in all.
# Run it here (it needs `deno install` done and Debian's apt for the .deb);
# .gpu_bench/ is ignored by git, so it must be carried explicitly.
set -euo pipefail
cd "$(dirname "$0")/.."
C=.gpu_bench
mkdir -p "$C"

echo "bundling tasks/gpu_bench.ts"
deno bundle --platform deno --minify tasks/gpu_bench.ts -o "$C/bench.js" 2>&1 | grep -v experimental

ORT=$(ls -d node_modules/.deno/onnxruntime-web@*/node_modules/onnxruntime-web/dist | head -1)
[ -d "$ORT" ] || { echo "onnxruntime-web is not installed: run deno install" >&2; exit 1; }
cp "$ORT/ort-wasm-simd-threaded.mjs" "$ORT/ort-wasm-simd-threaded.asyncify.mjs" "$C/"
for w in ort-wasm-simd-threaded.wasm ort-wasm-simd-threaded.asyncify.wasm; do
  if [ ! -f "$C/$w.xz" ] || [ "$ORT/$w" -nt "$C/$w.xz" ]; then
    echo "compressing $w"
    xz -T0 -6 -c "$ORT/$w" >"$C/$w.xz.tmp" && mv "$C/$w.xz.tmp" "$C/$w.xz"
  fi
done

DENO_BIN=$(readlink -f "$(command -v deno)")
VERSION=$(deno --version | head -1)
if [ ! -f "$C/deno.xz" ] || [ "$(cat "$C/deno.version" 2>/dev/null)" != "$VERSION" ]; then
  echo "compressing $VERSION ($DENO_BIN): a few minutes"
  xz -T0 -6 -c "$DENO_BIN" >"$C/deno.xz.tmp" && mv "$C/deno.xz.tmp" "$C/deno.xz"
  echo "$VERSION" >"$C/deno.version"
fi

if ! ls "$C"/libvulkan1_*.deb >/dev/null 2>&1; then
  echo "downloading the Vulkan loader (libvulkan1)"
  (cd "$C" && apt-get download libvulkan1 >/dev/null)
fi

echo
echo "carried folder $C:"
du -b "$C"/* | sort -n | awk '{printf "  %10d  %s\n", $1, $2}'
carried=$(du -cb "$C"/* | tail -1 | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
untracked=$(git ls-files -z --others --exclude-standard | xargs -0 -r du -cb 2>/dev/null | tail -1 | cut -f1)
total=$((carried + tree + ${untracked:-0}))
limit=$((64 * 1024 * 1024))
printf "carried %d bytes + working tree %d + untracked %d = %d of %d (64 MiB)\n" \
  "$carried" "$tree" "${untracked:-0}" "$total" "$limit"
[ "$total" -lt "$limit" ] || { echo "too large to travel" >&2; exit 1; }
