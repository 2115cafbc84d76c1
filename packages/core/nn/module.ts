/**
 * Parameters and forward context shared by every layer. Parameters live in a
 * flat, ordered map under the reference implementation's PyTorch names
 * (`layer1.0.conv1.weight`, `headseg.to_modalities.bias`, ...), with tfjs
 * layouts (HWIO filters).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { ParamStore } from "./module.ts";
 * const store = new ParamStore();
 * store.add("conv1.weight", tf.zeros([3, 3, 3, 8]));
 * store.add("bn1.running_mean", tf.zeros([8]), false); // a buffer, not trained
 * assert.deepEqual(store.trainableNames(), ["conv1.weight"]);
 * assert.deepEqual((await store.read()).get("conv1.weight")?.shape, [3, 3, 3, 8]);
 * store.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { NamedArray } from "../util/named_array.ts";
import type { Rng } from "../util/rng.ts";

/** What a forward pass needs beyond its input. */
export interface ForwardContext {
  /** Train mode: batch statistics in BatchNorm, WILDCAT dropout on. */
  training: boolean;
  /** Source of dropout masks; required when training with dropout. */
  rng?: Rng;
  /** In train mode, normalise with batch statistics but leave BatchNorm's running ones alone. */
  keepRunningStats?: boolean;
}

/** Ordered, named variables of a model. */
export class ParamStore {
  readonly #vars = new Map<string, tf.Variable>();
  readonly #trainable = new Set<string>();

  /**
   * Adds a variable initialised from `init` (which the store takes over).
   *
   * @param name the parameter's name (the reference's PyTorch name).
   * @param init its initial value.
   * @param trainable false for buffers such as running statistics.
   * @returns the variable.
   * @throws {Error} when the name is taken.
   */
  add(name: string, init: tf.Tensor, trainable = true): tf.Variable {
    if (this.#vars.has(name)) throw new Error(`duplicate parameter name ${name}`);
    const v = tf.variable(init, trainable);
    init.dispose();
    this.#vars.set(name, v);
    if (trainable) this.#trainable.add(name);
    return v;
  }

  /**
   * The variable called `name`.
   *
   * @param name the parameter's name.
   * @returns the variable.
   * @throws {Error} for an unknown name.
   */
  get(name: string): tf.Variable {
    const v = this.#vars.get(name);
    if (v === undefined) throw new Error(`no parameter named ${name}`);
    return v;
  }

  /** All parameter names, in creation order. */
  names(): string[] {
    return [...this.#vars.keys()];
  }

  /** Names of the trainable parameters, in creation order. */
  trainableNames(): string[] {
    return this.names().filter((n) => this.#trainable.has(n));
  }

  /**
   * Whether `name` is trainable (BatchNorm running statistics are not).
   *
   * @param name the parameter's name.
   * @returns whether an optimiser updates it.
   */
  isTrainable(name: string): boolean {
    return this.#trainable.has(name);
  }

  /** Trainable variables in creation order. */
  trainable(): tf.Variable[] {
    return this.trainableNames().map((n) => this.get(n));
  }

  /**
   * Number of scalar values across all parameters.
   *
   * @returns the count.
   */
  size(): number {
    let n = 0;
    for (const v of this.#vars.values()) n += v.size;
    return n;
  }

  /**
   * Reads every parameter out as plain arrays.
   *
   * @returns every parameter, by name, in tfjs's layout.
   */
  async read(): Promise<Map<string, NamedArray>> {
    const out = new Map<string, NamedArray>();
    for (const [name, v] of this.#vars) {
      out.set(name, { shape: v.shape.slice(), data: Float32Array.from(await v.data()) });
    }
    return out;
  }

  /**
   * Assigns values to every parameter. Missing, unexpected and mis-shaped
   * entries are all reported in one error.
   *
   * @param values a value for every parameter, by name.
   * @throws {Error} listing every missing, unexpected and mis-shaped entry.
   */
  assign(values: Map<string, NamedArray>): void {
    const missing: string[] = [];
    const shapes: string[] = [];
    for (const [name, v] of this.#vars) {
      const a = values.get(name);
      if (a === undefined) missing.push(name);
      else if (a.shape.join(",") !== v.shape.join(",")) {
        shapes.push(`${name} is [${a.shape}], the model's [${v.shape}]`);
      }
    }
    const unexpected = [...values.keys()].filter((name) => !this.#vars.has(name));
    // A few names of each kind: a file of another model would list hundreds.
    const list = (what: string, xs: string[]) =>
      xs.length === 0
        ? []
        : [`${xs.length} ${what} (${xs.slice(0, 4).join(", ")}${xs.length > 4 ? ", ..." : ""})`];
    const problems = [
      ...list("missing", missing),
      ...list("unexpected", unexpected),
      ...list("of another shape", shapes),
    ];
    if (problems.length > 0) {
      throw new Error(`weights do not fit the model: ${problems.join("; ")}`);
    }
    for (const [name, v] of this.#vars) {
      const a = values.get(name)!;
      tf.tidy(() => v.assign(tf.tensor(a.data, a.shape)));
    }
  }

  /**
   * Assigns some parameters (shape-checked); the others keep their values.
   *
   * @param values values for some parameters, by name.
   * @throws {Error} for an unknown name or a wrong shape.
   */
  assignPartial(values: Map<string, NamedArray>): void {
    for (const [name, a] of values) {
      const v = this.get(name);
      if (a.shape.join(",") !== v.shape.join(",")) {
        throw new Error(`${name}: shape [${a.shape}] but the model has [${v.shape}]`);
      }
    }
    for (const [name, a] of values) {
      tf.tidy(() => this.get(name).assign(tf.tensor(a.data, a.shape)));
    }
  }

  /** Frees every variable. */
  dispose(): void {
    for (const v of this.#vars.values()) v.dispose();
    this.#vars.clear();
    this.#trainable.clear();
  }
}
