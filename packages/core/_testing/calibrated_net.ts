/**
 * A tiny min-max network shaped like a trained one, for tests that need
 * realistic maps without training: random BatchNorm scales and shifts, and
 * BatchNorm running statistics calibrated by a few training-mode passes over
 * synthetic images (so activations keep a realistic scale in eval mode;
 * with the initial statistics a random ResNet's maps are nearly flat or
 * explode). Fixed weights for a fixed seed.
 *
 * @example
 * ```ts ignore
 * const localizer = await calibratedLocalizer(withOverrides(PRESETS.cpu, { width: 0.0625 }), ["a", "b"], 1);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { Config } from "../config/config.ts";
import { syntheticDataset } from "../data/synthetic.ts";
import { TfjsLocalizer } from "../inference/tfjs_localizer.ts";
import { buildMinMaxNet } from "../model/build.ts";
import { Rng } from "../util/rng.ts";

/** A min-max localizer with fixed random weights and calibrated BatchNorm statistics. */
export function calibratedLocalizer(
  config: Config,
  classes: readonly string[],
  seed: number,
  steps = 10,
): TfjsLocalizer {
  const net = buildMinMaxNet(config, classes, new Rng(seed));
  const r = new Rng(seed + 1);
  for (const name of net.store.names()) {
    if (/(bn\d|downsample\.1)\.(weight|bias)$/.test(name)) {
      const v = net.store.get(name);
      const values = Float32Array.from(
        { length: v.size },
        () => name.endsWith("weight") ? r.uniform(0.5, 1.5) : 0.1 * r.normal(),
      );
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    }
  }
  const batch = syntheticDataset({ count: 4, size: 96, classes: 2, seed }).samples;
  const x = tf.tensor4d(
    Float32Array.from(batch.flatMap((s) => Array.from(s.image.data, (v) => v / 127.5 - 1))),
    [4, 96, 96, 3],
  );
  for (let i = 0; i < steps; i++) {
    tf.dispose(Object.values(net.forward(x, { training: true, rng: r })));
  }
  x.dispose();
  return new TfjsLocalizer(net, classes, config);
}
