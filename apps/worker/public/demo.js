// The browser demo's page: sends the chosen image to the worker and draws
// R+ over it, with the mask outlined at the slider's threshold. The worker is
// the service's own Web Worker entry, bundled (demo_worker.js, from
// apps/worker/demo_worker.ts); it speaks apps/worker/protocol.ts: the model's
// bytes first, `{ id, model }`, then `{ id, image, raw: true }` per image.
const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL("demo_worker.js", import.meta.url), { type: "module" });
const pending = new Map();
let next = 1;
let current = null;

worker.onmessage = ({ data }) => {
  const p = pending.get(data.id);
  pending.delete(data.id);
  if (data.error) p.reject(new Error(data.error.message));
  else p.resolve(data.result);
};
const send = (message, transfer = []) =>
  new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...message, id }, transfer);
  });

function status(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

function draw() {
  if (!current) return;
  const { width: w, height: h, mask, rgba } = current;
  const t = Number($("threshold").value);
  $("threshold-value").textContent = t.toFixed(2);
  const canvas = $("overlay");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(w, h);
  const inside = (i) => mask[i] >= t;
  let area = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const a = 0.55 * mask[i];
      // Red heat of R+ over the image; white on the mask's boundary.
      const edge = inside(i) &&
        (x === 0 || y === 0 || x === w - 1 || y === h - 1 || !inside(i - 1) || !inside(i + 1) ||
          !inside(i - w) || !inside(i + w));
      if (inside(i)) area++;
      img.data[4 * i] = edge ? 255 : (1 - a) * rgba[4 * i] + a * 230;
      img.data[4 * i + 1] = edge ? 255 : (1 - a) * rgba[4 * i + 1] + a * 30;
      img.data[4 * i + 2] = edge ? 255 : (1 - a) * rgba[4 * i + 2] + a * 30;
      img.data[4 * i + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  $("area").textContent = `${(100 * area / (w * h)).toFixed(1)}% of the image`;
}

async function run(file) {
  status(`localizing ${file.name}…`);
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const t0 = performance.now();
    // `raw` adds the map (R+) and the decoded pixels, which the drawing takes as mask and rgba.
    const result = await send({ image: bytes, raw: true }, [bytes.buffer]);
    current = { ...result, mask: result.map };
    $("class").textContent = current.class;
    $("probabilities").replaceChildren(
      ...Object.entries(current.probabilities).map(([c, p]) => {
        const row = document.createElement("tr");
        row.innerHTML = `<td></td><td>${p.toFixed(3)}</td><td><span class="bar"></span></td>`;
        row.firstChild.textContent = c;
        row.querySelector(".bar").style.width = `${(100 * p).toFixed(0)}px`;
        return row;
      }),
    );
    $("view").hidden = false;
    draw();
    document.body.dataset.state = "done";
    status(
      `${file.name}: ${current.width}x${current.height}, ${
        ((performance.now() - t0) / 1000).toFixed(2)
      } s`,
    );
  } catch (e) {
    document.body.dataset.state = "error";
    status(`${file.name}: ${e.message}`, true);
  }
}

$("threshold").addEventListener("input", draw);
$("file").addEventListener("change", () => $("file").files[0] && run($("file").files[0]));
const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  if (e.dataTransfer.files[0]) run(e.dataTransfer.files[0]);
});

fetch("model.onnx").then(async (r) => {
  if (!r.ok) throw new Error(`model.onnx: HTTP ${r.status}`);
  const model = new Uint8Array(await r.arrayBuffer());
  return await send({ model }, [model.buffer]);
}).then(
  (m) => {
    status(`model ready: classes ${m.classes.join(", ")}; ${m.threads} thread(s)`);
    $("threshold").value = m.threshold;
    document.body.dataset.state = "ready";
  },
  (e) => status(`the model did not load: ${e.message}`, true),
);
