// The browser demo's page: sends the chosen image to the worker and draws
// R+ over it, with the mask outlined at the slider's threshold, in the turbo
// colours of the CLI's and the API's overlays (the server generates
// colormap.js from the core's colour map). The worker is the service's own
// Web Worker entry, bundled (worker/demo_worker.js, from apps/worker/demo_worker.ts);
// it speaks apps/worker/protocol.ts: the model's bytes first, `{ id, model }`,
// then `{ id, image, raw: true }` per image.
import { TURBO, turbo } from "./colormap.js";

const $ = (id) => document.getElementById(id);
// Class colours of the probability bars (categorical, far from each other).
const CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
// The heat map's weight over the image, as in the CLI's overlays.
const ALPHA = 0.45;
const worker = new Worker(new URL("worker/demo_worker.js", import.meta.url), { type: "module" });
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
  $("threshold-mark").style.top = `${(100 * (1 - t)).toFixed(1)}%`;
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
      // Turbo heat of R+ over the image; white on the mask's boundary.
      const edge = inside(i) &&
        (x === 0 || y === 0 || x === w - 1 || y === h - 1 || !inside(i - 1) || !inside(i + 1) ||
          !inside(i - w) || !inside(i + w));
      if (inside(i)) area++;
      const [r, g, b] = turbo(mask[i]);
      img.data[4 * i] = edge ? 255 : Math.round((1 - ALPHA) * rgba[4 * i] + ALPHA * r);
      img.data[4 * i + 1] = edge ? 255 : Math.round((1 - ALPHA) * rgba[4 * i + 1] + ALPHA * g);
      img.data[4 * i + 2] = edge ? 255 : Math.round((1 - ALPHA) * rgba[4 * i + 2] + ALPHA * b);
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
      ...Object.entries(current.probabilities).map(([c, p], k) => {
        const row = document.createElement("tr");
        if (c === current.class) row.className = "predicted";
        row.innerHTML =
          `<td><span class="swatch"></span></td><td class="value">${p.toFixed(3)}</td>` +
          `<td><span class="track"><span class="bar"></span></span></td>`;
        row.firstChild.append(c);
        const colour = CLASS_COLOURS[k % CLASS_COLOURS.length];
        row.querySelector(".swatch").style.background = colour;
        const bar = row.querySelector(".bar");
        bar.style.width = `${(100 * p).toFixed(1)}%`;
        bar.style.background = colour;
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

/** The colour bar beside the picture: turbo from 1 (top) to 0 (bottom). */
function drawColorbar() {
  const canvas = $("colorbar");
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(1, 256);
  for (let j = 0; j < 256; j++) {
    img.data.set([TURBO[3 * (255 - j)], TURBO[3 * (255 - j) + 1], TURBO[3 * (255 - j) + 2], 255], 4 * j);
  }
  ctx.putImageData(img, 0, 0);
}
drawColorbar();

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
