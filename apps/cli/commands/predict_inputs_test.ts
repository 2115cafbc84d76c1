import assert from "node:assert/strict";
import { join } from "node:path";
import { collectImages, DEFAULT_SKIP, globToRegExp, skipPatterns } from "./predict_inputs.ts";

Deno.test("globs: names, folders, classes and alternatives", () => {
  const m = (p: string, s: string) => globToRegExp(p).test(s);
  assert.ok(m("*_anno.*", "train_1_anno.png"));
  assert.ok(!m("*_anno.*", "train_1.png"));
  assert.ok(!m("*.png", "a/b.png"), "* stays within a name");
  assert.ok(m("**/*.png", "b.png") && m("**/*.png", "a/b/c.png"));
  assert.ok(m("img?.tif", "img1.tif") && !m("img?.tif", "img12.tif"));
  assert.ok(m("[ab].png", "a.png") && !m("[!ab].png", "a.png") && m("[!ab].png", "c.png"));
  assert.ok(m("*.{png,tif}", "x.tif") && !m("*.{png,tif}", "x.jpg"));
  assert.ok(m("a+b (1).png", "a+b (1).png"), "other characters are literal");
});

Deno.test("folders and globs give images, masks skipped; explicit files are taken once", async () => {
  const dir = await Deno.makeTempDir();
  for (const f of ["a.png", "a_anno.png", "b.tif", "b_mask.tif", "notes.txt", "sub/c.jpg"]) {
    await Deno.mkdir(join(dir, "sub"), { recursive: true });
    await Deno.writeFile(join(dir, f), new Uint8Array(1));
  }
  const folder = await collectImages([dir], DEFAULT_SKIP);
  assert.deepEqual(folder.images, [join(dir, "a.png"), join(dir, "b.tif")]);
  assert.deepEqual(folder.skipped, [join(dir, "a_anno.png"), join(dir, "b_mask.tif")]);
  const deep = await collectImages([`${dir}/**/*.{png,jpg}`, join(dir, "a.png")], DEFAULT_SKIP);
  assert.deepEqual(deep.images, [join(dir, "a.png"), join(dir, "sub/c.jpg")]);
  const all = await collectImages([`${dir}/*.png`], skipPatterns(["none"]));
  assert.deepEqual(all.images, [join(dir, "a.png"), join(dir, "a_anno.png")]);
  const own = await collectImages([dir], skipPatterns(["b*"]));
  assert.deepEqual(own.images, [join(dir, "a.png"), join(dir, "a_anno.png")]);
  await assert.rejects(
    collectImages([`${dir}/*_anno.png`], DEFAULT_SKIP),
    /no image left: all 1 file/,
  );
  await assert.rejects(collectImages([`${dir}/*.bmp`], DEFAULT_SKIP), /no image matches/);
  await assert.rejects(collectImages([join(dir, "sub", "none.png")], DEFAULT_SKIP), /no such file/);
  await Deno.remove(dir, { recursive: true });
});
