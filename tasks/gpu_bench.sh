#!/usr/bin/env bash
# The GPU benchmark in one script: the min-max training step on tfjs's
# webgpu backend (with our WGSL kernels, then with tfjs's stock kernels)
# beside PyTorch CUDA (fp32 with allow_tf32 = False, and default TF32) on the
# same network and step, at batch 8 and 32, for ResNet-18 (width 1) and the
# `cpu` preset (ResNet-18 x0.25), 224x224; then inference of the exported
# model on onnxruntime-web's webgpu provider beside its wasm provider.
#
# It runs from the carried folder .gpu_bench/ (tasks/gpu_bench_prepare.sh
# builds it): Deno from deno.xz, the bundled bench, onnxruntime's files, the
# Vulkan loader where the machine has none. Each part has a time limit, so
# the whole stays under 8 minutes. Results: a table on stdout and one JSON
# line per case in $OUT/gpu_bench.jsonl (OUT defaults to a fresh temp dir).
#
#   tasks/gpu_bench.sh             # on the GPU machine
#   tasks/gpu_bench.sh --dry-run   # anywhere: tiny sizes, the software adapter, PyTorch on CPU
set -uo pipefail
cd "$(dirname "$0")/.."
C=.gpu_bench
DRY=0
[ "${1:-}" = "--dry-run" ] && DRY=1
for f in deno.xz bench.js ort-wasm-simd-threaded.wasm.xz ort-wasm-simd-threaded.asyncify.wasm.xz; do
  [ -f "$C/$f" ] || { echo "missing $C/$f: run tasks/gpu_bench_prepare.sh first" >&2; exit 2; }
done
T0=$(date +%s)
WORK=$(mktemp -d)
OUTDIR=${OUT:-$WORK/out}
mkdir -p "$OUTDIR"
LOG=$OUTDIR/gpu_bench.jsonl
: >"$LOG"
elapsed() { echo $(($(date +%s) - T0)); }

PY=${PYTHON:-python3}
"$PY" -c "import torch" 2>/dev/null || PY=/usr/bin/python3

# xz, or Python's lzma where the machine has no xz.
unxz_to() {
  if command -v xz >/dev/null; then
    xz -dc "$1" >"$2"
  else
    "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}

# Deno, the bundle and onnxruntime's files side by side.
unxz_to "$C/deno.xz" "$WORK/deno" && chmod +x "$WORK/deno"
cp "$C/bench.js" "$C"/*.mjs "$WORK/"
for f in "$C"/*.wasm.xz; do unxz_to "$f" "$WORK/$(basename "$f" .xz)"; done
DENO="$WORK/deno"
"$DENO" --version | head -1

# Vulkan: the machine's loader, else the carried one; NVIDIA's driver where mounted.
if ! ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1' >/dev/null; then
  for deb in "$C"/libvulkan1_*.deb; do
    if command -v dpkg-deb >/dev/null; then
      dpkg-deb -x "$deb" "$WORK/vk"
    else
      # A .deb is an ar archive holding data.tar.*: read it with Python.
      "$PY" - "$deb" "$WORK/vk" <<'UNDEB'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
at = 8
while at < len(data):
    name = data[at:at + 16].decode().strip().rstrip("/")
    size = int(data[at + 48:at + 58])
    if name.startswith("data.tar"):
        tarfile.open(fileobj=io.BytesIO(data[at + 60:at + 60 + size])).extractall(sys.argv[2])
    at += 60 + size + (size & 1)
UNDEB
    fi
  done
  export LD_LIBRARY_PATH="$WORK/vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "Vulkan loader: carried ($(ls "$WORK"/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1* | head -1))"
fi
NV_ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$NV_ICD" ] && export VK_DRIVER_FILES="$NV_ICD"
export XDG_RUNTIME_DIR="$WORK/xdg"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

if "$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  TORCH_DEVICE=cuda
else
  TORCH_DEVICE=cpu
fi
CORES=$(nproc)

if [ $DRY -eq 1 ]; then
  # Tiny: both presets at width 1/16, batch 2, 64x64, two runs.
  BATCHES=2 SIZE=64 RUNS=2 BUDGET=30 WIDTH=(--width 0.0625) TORCH_WIDTH=(0.0625 0.0625)
  INFER_SIZE=64 LIMIT_TRAIN=300 LIMIT_STOCK=300 LIMIT_TORCH=120 LIMIT_INFER=300
else
  BATCHES=8,32 SIZE=224 RUNS=5 BUDGET=25 WIDTH=() TORCH_WIDTH=(1 0.25)
  INFER_SIZE=512 LIMIT_TRAIN=110 LIMIT_STOCK=80 LIMIT_TORCH=35 LIMIT_INFER=40
fi

# Runs a command under a time limit, keeping its JSON lines and its errors.
part() {
  local limit=$1 name=$2
  shift 2
  echo "== $name (limit ${limit}s, at $(elapsed)s)" >&2
  timeout "$limit" "$@" 2>"$WORK/err" | tee -a "$LOG" | grep -v '^{' >&2
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    echo "   $name: exit $rc$([ "$rc" -eq 124 ] && echo ' (time limit)')" >&2
    tail -5 "$WORK/err" >&2
    echo "{\"what\":\"failed\",\"part\":\"$name\",\"rc\":$rc}" >>"$LOG"
  fi
}

BENCH=("$DENO" run -A --no-config --v8-flags=--max-old-space-size=16384 "$WORK/bench.js")
part $LIMIT_TRAIN "webgpu training, our kernels" "${BENCH[@]}" train --batches $BATCHES \
  --size $SIZE --runs $RUNS --budget $BUDGET "${WIDTH[@]}"
part $LIMIT_STOCK "webgpu training, tfjs's stock kernels" "${BENCH[@]}" train --stock \
  --batches $BATCHES --size $SIZE --runs 3 --budget 15 "${WIDTH[@]}"
for tf32 in off default; do
  for i in 0 1; do
    preset=$([ $i -eq 0 ] && echo r18 || echo cpu)
    part $LIMIT_TORCH "PyTorch $TORCH_DEVICE $preset tf32 $tf32" "$PY" tasks/bench_torch.py \
      --device $TORCH_DEVICE --tf32 $tf32 --width "${TORCH_WIDTH[$i]}" --batch $BATCHES \
      --size $SIZE --runs $RUNS --threads "$CORES" --tag $preset
  done
done
part $LIMIT_INFER "onnxruntime-web webgpu" "${BENCH[@]}" infer --provider webgpu \
  --size $INFER_SIZE --runs $RUNS "${WIDTH[@]}"
part $LIMIT_INFER "onnxruntime-web wasm" "${BENCH[@]}" infer --provider wasm \
  --threads "$CORES" --size $INFER_SIZE --runs $RUNS "${WIDTH[@]}"

echo "== done in $(elapsed)s; results in $LOG" >&2
"$PY" - "$LOG" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def ms(r): return r.get("medianMs", r.get("step", 0) * 1000)
train = {}
for r in rows:
    if r.get("what") == "train":
        train.setdefault((r["preset"], r["batch"]), {})[r["runtime"]] = ms(r)
    elif "step" in r:
        key = (r.get("preset"), r["batch"])
        train.setdefault(key, {})[f"torch {r['device']} tf32 {r.get('tf32', '-')}"] = ms(r)
adapter = next((r["adapter"] for r in rows if r.get("what") == "train"), "?")
gpu = next((r["gpu"] for r in rows if "gpu" in r), None)
print(f"\nWebGPU adapter: {adapter}; PyTorch: {gpu or 'CPU (no CUDA)'}")
print("training step, ms (median); ratio = webgpu / PyTorch fp32")
cols = ["tfjs-webgpu", "tfjs-webgpu (stock kernels)"]
cols += sorted({c for v in train.values() for c in v if c.startswith("torch")})
print(f"{'preset':8}{'batch':>6}" + "".join(f"{c:>30}" for c in cols) + f"{'ratio':>8}")
for (preset, batch), v in sorted(train.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
    fp32 = next((x for c, x in v.items() if c.endswith("tf32 off") or c.endswith("tf32 -")), None)
    ratio = f"{v['tfjs-webgpu'] / fp32:.2f}" if fp32 and "tfjs-webgpu" in v else "-"
    print(f"{str(preset):8}{batch:>6}" + "".join(f"{v[c]:>30.1f}" if c in v else f"{'-':>30}" for c in cols) + f"{ratio:>8}")
print("\ninference (OnnxLocalizer.predict, one image), ms (median)")
for r in rows:
    if r.get("what") == "infer":
        print(f"  {r['preset']:6} {r['size']}x{r['size']}  {r['runtime']:28} {ms(r):10.1f}   {r['reason']}")
for r in rows:
    if r.get("what") == "failed":
        print(f"  FAILED: {r['part']} (exit {r['rc']})")
EOF
