/**
 * SGD with PyTorch's update (dampening 0): d = g + wd * p;
 * buf = momentum * buf + d; with Nesterov d = d + momentum * buf, else d = buf;
 * p -= lr * d. Weight decay is coupled L2 on every parameter, BatchNorm and
 * biases included, as in the reference. A parameter that got no gradient in
 * a step is left alone, momentum and decay included, as PyTorch does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { Sgd } from "./sgd.ts";
 * const w = tf.variable(tf.tensor1d([1]));
 * const opt = new Sgd(new Map([["w", w]]), { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 });
 * opt.step(new Map([["w", tf.tensor1d([0.5])]])); // buf = 0.5; w = 1 - 0.1 * 0.5
 * opt.step(new Map([["w", tf.tensor1d([0.5])]])); // buf = 0.9 * 0.5 + 0.5; w -= 0.1 * 0.95
 * assert.ok(Math.abs((await w.data())[0] - 0.855) < 1e-6);
 * opt.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { NamedArray } from "../util/named_array.ts";
import { SGD_UPDATE } from "../backend/wasm_kernels/sgd_update.ts";

/** Optimiser settings. */
export interface SgdOptions {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** Stochastic gradient descent with momentum buffers kept per parameter name. */
export class Sgd {
  lr: number;
  readonly #params: Map<string, tf.Variable>;
  readonly #buffers = new Map<string, tf.Variable>();

  /**
   * @param params the trainable variables, by name.
   * @param options learning rate, momentum, Nesterov and weight decay.
   */
  constructor(params: Map<string, tf.Variable>, readonly options: SgdOptions) {
    this.#params = params;
    this.lr = options.lr;
  }

  /**
   * Applies one update from gradients keyed by parameter name.
   *
   * @param grads gradients by parameter name (a parameter without one is left alone).
   * @throws {Error} for a gradient of an unknown parameter.
   */
  step(grads: Map<string, tf.Tensor>): void {
    const { momentum, nesterov, weightDecay } = this.options;
    const lr = this.lr;
    const fused = momentum !== 0 && tf.getKernel(SGD_UPDATE, tf.getBackend()) !== undefined;
    for (const [name, g] of grads) {
      const p = this.#params.get(name);
      if (p === undefined) throw new Error(`gradient for unknown parameter ${name}`);
      if (fused) {
        const buf = this.#buffer(name, p);
        const [p2, buf2] = tf.engine().runKernel(SGD_UPDATE, { param: p, grad: g, buffer: buf }, {
          lr,
          momentum,
          nesterov,
          weightDecay,
        }) as tf.Tensor[];
        p.assign(p2);
        buf.assign(buf2);
        tf.dispose([p2, buf2]);
        continue;
      }
      tf.tidy(() => {
        let d = weightDecay !== 0 ? tf.add(g, tf.mul(p, weightDecay)) : g;
        if (momentum !== 0) {
          const buf = this.#buffer(name, p);
          buf.assign(tf.add(tf.mul(buf, momentum), d));
          d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(d, lr)));
      });
    }
  }

  /** The momentum buffer of `name`, created at zero on first use. */
  #buffer(name: string, p: tf.Variable): tf.Variable {
    let buf = this.#buffers.get(name);
    if (buf === undefined) {
      buf = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
      this.#buffers.set(name, buf);
    }
    return buf;
  }

  /**
   * Momentum buffers as plain arrays (absent for parameters never updated).
   *
   * @returns the buffers, by parameter name.
   */
  async state(): Promise<Map<string, NamedArray>> {
    const out = new Map<string, NamedArray>();
    for (const [name, b] of this.#buffers) {
      out.set(name, { shape: b.shape.slice(), data: Float32Array.from(await b.data()) });
    }
    return out;
  }

  /**
   * Restores momentum buffers saved by {@link Sgd.state}.
   *
   * @param state the buffers, by parameter name.
   * @throws {Error} for an unknown parameter or a wrong shape.
   */
  load(state: Map<string, NamedArray>): void {
    for (const [name, a] of state) {
      const p = this.#params.get(name);
      if (p === undefined) throw new Error(`optimiser state for unknown parameter ${name}`);
      if (a.shape.join(",") !== p.shape.join(",")) {
        throw new Error(
          `optimiser state for ${name} has shape [${a.shape}], expected [${p.shape}]`,
        );
      }
      this.#buffers.get(name)?.dispose();
      // The variable keeps its own reference to the data; the tidy frees the source tensor.
      this.#buffers.set(name, tf.tidy(() => tf.variable(tf.tensor(a.data, a.shape), false)));
    }
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const b of this.#buffers.values()) b.dispose();
    this.#buffers.clear();
  }
}
