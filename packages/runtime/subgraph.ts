/**
 * The part of an ONNX model that some of its outputs need: the nodes those
 * outputs depend on, the initializers those nodes read, and those outputs
 * only. onnxruntime runs every node of a graph whatever outputs a run
 * fetches, so a model's class maps alone (whole-slide inference) run faster
 * from such a subgraph: the classifier pass and the full-resolution mask
 * are left out.
 *
 * @example
 * ```ts ignore
 * const localizerOnly = pruneToOutputs(bytes, ["class_maps"]);
 * ```
 * @module
 */
import onnxProto from "onnx-proto";

/**
 * The model with only what `outputs` need.
 *
 * @throws when the model has no output of one of those names.
 */
export function pruneToOutputs(bytes: Uint8Array, outputs: readonly string[]): Uint8Array {
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const have = (graph.output ?? []).map((o) => o.name);
  for (const o of outputs) {
    if (!have.includes(o)) throw new Error(`the model has no '${o}' output`);
  }
  const needed = new Set<string>(outputs);
  const kept: onnxProto.onnx.INodeProto[] = [];
  // Nodes are in topological order: walking back, a node is kept when a kept
  // node (or a requested output) reads one of its outputs.
  const nodes = graph.node ?? [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!(n.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const input of n.input ?? []) if (input !== "") needed.add(input);
  }
  graph.node = kept.reverse();
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ""));
  graph.output = (graph.output ?? []).filter((o) => outputs.includes(o.name ?? ""));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => needed.has(v.name ?? ""));
  return onnx.ModelProto.encode(model).finish();
}
