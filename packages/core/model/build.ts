/**
 * Builds the network that a config describes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
 * import { Rng } from "../util/rng.ts";
 * import { BaselineNet } from "./baseline_net.ts";
 * import { buildModel, isMinMax } from "./build.ts";
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * const minmax = buildModel(config, ["benign", "malignant"], new Rng(0));
 * const cam = buildModel({ ...config, method: "cam" }, ["benign", "malignant"], new Rng(0));
 * assert.ok(isMinMax(minmax) && cam instanceof BaselineNet);
 * minmax.dispose();
 * cam.dispose();
 * ```
 * @module
 */
import { type Config, networkSettings } from "../config/config.ts";
import type { Rng } from "../util/rng.ts";
import { BaselineNet } from "./baseline_net.ts";
import { MinMaxNet, type NetOptions } from "./minmax_net.ts";
import type { WslNet } from "./wsl_net.ts";

/**
 * The network options of a config for `classes`.
 *
 * @param cfg the config.
 * @param classes how many classes.
 * @returns its network settings with the class count.
 */
export function netOptions(cfg: Config, classes: number): NetOptions {
  const { method: _, ...network } = networkSettings(cfg);
  return { ...network, classes };
}

/**
 * A freshly initialised min-max network for `config` and `classes`.
 *
 * @param cfg the config.
 * @param classes the class names.
 * @param rng the source of the initial weights.
 * @returns the network.
 * @throws {Error} for fewer than two classes.
 */
export function buildMinMaxNet(cfg: Config, classes: readonly string[], rng: Rng): MinMaxNet {
  if (classes.length < 2) throw new Error(`need at least two classes, got ${classes.length}`);
  return new MinMaxNet(netOptions(cfg, classes.length), rng);
}

/**
 * A freshly initialised model of the config's method (min-max or a baseline).
 *
 * @param cfg the config; its `method` picks the network.
 * @param classes the class names.
 * @param rng the source of the initial weights.
 * @returns the network.
 * @throws {Error} for fewer than two classes.
 */
export function buildModel(
  cfg: Config,
  classes: readonly string[],
  rng: Rng,
): MinMaxNet | BaselineNet {
  if (cfg.method === "minmax") return buildMinMaxNet(cfg, classes, rng);
  if (classes.length < 2) throw new Error(`need at least two classes, got ${classes.length}`);
  return new BaselineNet(cfg.method, netOptions(cfg, classes.length), rng);
}

/**
 * Whether a model is the min-max network (the rest are baselines).
 *
 * @param net a model.
 * @returns whether it is the min-max network.
 */
export function isMinMax(net: WslNet): net is MinMaxNet {
  return net instanceof MinMaxNet;
}
