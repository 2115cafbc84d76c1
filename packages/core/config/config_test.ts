import assert from "node:assert/strict";
import { CONFIG_FIELDS } from "./config.ts";
import { PRESETS } from "./presets.ts";
import { ConfigError, validateConfig, withOverrides } from "./validate_config.ts";

Deno.test("presets are valid and the reference preset has the paper's GlaS settings", () => {
  assert.deepEqual(validateConfig(PRESETS.reference), []);
  assert.deepEqual(validateConfig(PRESETS.cpu), []);
  const r = PRESETS.reference;
  assert.equal(r.arch, "resnet101");
  assert.equal(r.deepStem, true);
  assert.deepEqual([r.modalities, r.kmax, r.dropout, r.maskW, r.maskSigma, r.classifierScale], [
    5,
    0.09,
    0.75,
    8,
    0.5,
    0.5,
  ]);
  assert.deepEqual([r.lr, r.momentum, r.weightDecay, r.lrStep, r.lrGamma, r.minLr], [
    1e-3,
    0.9,
    1e-5,
    40,
    0.1,
    1e-7,
  ]);
  assert.deepEqual([r.batchSize, r.crop, r.epochs, r.padFraction], [8, 480, 400, 0.5]);
  assert.deepEqual([r.eraseTimes, r.eraseStartEpoch, r.sigmaErase, r.warmupSteps], [4, 1, 10, 0]);
  // The reference's behaviour for the settings it does not have.
  assert.deepEqual([r.outputStride, r.localizerWarmup, r.backboneGrad, r.resize], [
    32,
    0,
    "pos-neg",
    1,
  ]);
  assert.deepEqual([r.brightness, r.contrast, r.saturation, r.hue, r.hflip, r.vflip], [
    0.5,
    0.5,
    0.5,
    0.05,
    0.5,
    0.5,
  ]);
});

Deno.test("overrides are validated and every invalid field is listed", () => {
  assert.equal(withOverrides(PRESETS.cpu, { epochs: 3 }).epochs, 3);
  assert.throws(
    () => withOverrides(PRESETS.cpu, { epochs: 0, arch: "vgg" as never, dropout: 1.5 }),
    /'arch' must be one of resnet18.*'dropout' must be <= 0\.99.*'epochs' must be >= 1/s,
  );
  assert.throws(
    () => withOverrides(PRESETS.cpu, { batchSize: 2.5 }),
    (e) =>
      e instanceof ConfigError &&
      e.problems.length === 1 && e.problems[0].field === "batchSize" &&
      /must be an integer/.test(e.problems[0].problem) && e.source === undefined,
  );
  assert.equal(Object.keys(CONFIG_FIELDS).length, Object.keys(PRESETS.cpu).length);
});

Deno.test("a numeric setting with choices takes only those values", () => {
  assert.equal(withOverrides(PRESETS.cpu, { outputStride: 16 }).outputStride, 16);
  assert.throws(
    () => withOverrides(PRESETS.cpu, { outputStride: 4 }),
    /setting 'outputStride' must be one of 32, 16, 8, got 4/,
  );
  assert.throws(
    () => withOverrides(PRESETS.cpu, { backboneGrad: "all" as never }),
    /setting 'backboneGrad' must be one of pos-neg, pos, none/,
  );
});
