import { openTiffSlide } from "@pointwise/core/slide";
import { fileReader } from "./apps/cli/slide_files.ts";
for (const p of Deno.args) {
  const f = await Deno.open(p);
  const s = await openTiffSlide(fileReader(f), "x");
  for (let l = 0; l < s.levels.length; l++) {
    const r = await s.readRegion(l, 0, 0, 2, 1);
    console.log(p, l, s.levels[l].width, [...r.data]);
  }
}
