/**
 * Whole-slide localization: tiled pyramidal TIFF (and large PNG or JPEG)
 * read region by region, a tissue mask, tiled inference (the model's class
 * maps stitched into the whole-slide map, or per-tile maps blended), a
 * streamed map, and its outputs (pyramidal TIFF mask, QuPath GeoJSON,
 * heat map, summary). File access is injected; nothing here needs Deno.
 *
 * @example
 * ```ts ignore
 * import { localizeSlide, openTiffSlide } from "@pointwise/core/slide";
 * const result = await localizeSlide(await openTiffSlide(read, "slide.tif"), model, { mpp: 0.5 });
 * ```
 * @module
 */
export {
  blit,
  memorySlide,
  type RandomAccessReader,
  type RandomAccessWriter,
  type Slide,
  type SlideLevel,
  type SlideScale,
  whiteImage,
} from "./slide.ts";
export { aperioMpp, openTiffSlide, resolutionMpp, type TiffSlideOptions } from "./tiff_slide.ts";
export { decodePool, defaultDecodeWorkers } from "./decode_pool.ts";
export {
  type AnalysisGrid,
  chooseLevel,
  type LevelRequest,
  SlideOptionError,
} from "./level_choice.ts";
export { areaWeights, resizeArea } from "./resample.ts";
export {
  MIN_TISSUE_SATURATION,
  otsuThreshold,
  readThumbnail,
  saturation,
  thumbnailSize,
  TissueCoverage,
  type TissueMask,
  tissueMask,
} from "./tissue_mask.ts";
export { blendWeights, planTiles, type Tile, type TilePlan, tileStarts } from "./tiling.ts";
export { type MapRowSink, MapStitcher } from "./stitcher.ts";
export {
  GRID,
  type GridPlan,
  type GridTile,
  GridTilingError,
  planGridTiles,
  tileSources,
} from "./grid_tiles.ts";
export { ClassMapMosaic } from "./class_map_mosaic.ts";
export { emitWholeSlideMap, type WholeSlideMap } from "./whole_slide_map.ts";
export {
  type BatchSettings,
  type ClassMapModel,
  footprint,
  type GridRun,
  runGridTiles,
  wholeSlideMap,
} from "./whole_slide_tiles.ts";
export { perTileMap, type PredictModel } from "./per_tile_map.ts";
export type { MapRun, TileSettings } from "./map_run.ts";
export { readTile, type Region } from "./read_tile.ts";
export { MapOutputs } from "./map_outputs.ts";
export { heatPictures } from "./heat_pictures.ts";
export { slideSummary, type SummaryInput } from "./slide_summary.ts";
export { PyramidTiffWriter, type TiffWriterOptions } from "./tiff_writer.ts";
export { BitGrid } from "./bit_grid.ts";
export {
  maskPolygons,
  pointInRing,
  type Polygon,
  type Ring,
  signedArea2,
  traceRings,
} from "./marching_squares.ts";
export {
  type AnnotationCollection,
  type AnnotationFeature,
  type Classification,
  polygonsToGeoJson,
} from "./geojson.ts";
export {
  BATCH_PIXELS,
  defaultBatch,
  localizeSlide,
  type SlideModel,
  type SlideOptions,
  type SlideProgress,
  type SlideResult,
  type SlideSummary,
} from "./localize_slide.ts";
