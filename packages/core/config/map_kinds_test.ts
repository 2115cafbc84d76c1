import assert from "node:assert/strict";
import { MapRequestError, parseMapKind, resolveMapRequest } from "./map_kinds.ts";

const classes = ["benign", "malignant"];

Deno.test("each method's own map by default; a class alone asks for its map of one class", () => {
  assert.deepEqual(resolveMapRequest("minmax", classes, {}), { kind: "r+" });
  assert.deepEqual(resolveMapRequest("wildcat", classes, {}), { kind: "m+" });
  assert.deepEqual(resolveMapRequest("gradcam", classes, {}), { kind: "gradcam" });
  assert.deepEqual(resolveMapRequest("deepmil", classes, {}), { kind: "attention" });
  assert.deepEqual(resolveMapRequest("minmax", classes, { map: "M+" }), { kind: "m+" });
  assert.deepEqual(resolveMapRequest("minmax", classes, { mapClass: "malignant" }), {
    kind: "cam",
    classIndex: 1,
  });
  assert.deepEqual(resolveMapRequest("cam", classes, { map: "gradcam", mapClass: "benign" }), {
    kind: "gradcam",
    classIndex: 0,
  });
  assert.equal(parseMapKind("R+"), "r+");
  assert.equal(parseMapKind("rplus"), undefined);
});

Deno.test("maps a method does not define, and classes where they mean nothing, are refused", () => {
  const refuses = (f: () => unknown, field: string, re: RegExp) =>
    assert.throws(
      f,
      (e) => e instanceof MapRequestError && e.field === field && re.test(e.message),
    );
  refuses(
    () => resolveMapRequest("minmax", classes, { map: "gradcam" }),
    "map",
    /this model's method is minmax, whose maps are r\+, m\+, cam/,
  );
  refuses(() => resolveMapRequest("wildcat", classes, { map: "r+" }), "map", /r\+ is not a map/);
  refuses(
    () => resolveMapRequest("minmax", classes, { map: "heat" }),
    "map",
    /must be one of r\+, m\+, cam, gradcam, attention/,
  );
  refuses(
    () => resolveMapRequest("minmax", classes, { map: "r+", mapClass: "benign" }),
    "mapClass",
    /--map cam\); r\+ is not the map of one class/,
  );
  refuses(
    () => resolveMapRequest("deepmil", classes, { mapClass: "benign" }),
    "mapClass",
    /a deepmil model has none \(its maps: attention\)/,
  );
  refuses(
    () => resolveMapRequest("minmax", classes, { mapClass: "tumour" }),
    "mapClass",
    /'tumour' is not a class of this model \(benign, malignant\)/,
  );
});
