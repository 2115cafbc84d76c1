/**
 * A Web Worker that decodes compressed TIFF tiles for geotiff's `Pool`
 * (`decode_pool.ts`), with the same decoders as the main thread: geotiff's,
 * and the project's bounded LZW (registered by `boundedGeotiff`), so damaged
 * tiles fail the same way on either thread. The message protocol is
 * geotiff's own decoder worker's: `{ compression, decoderParameters, buffer,
 * ...extra }` in, `{ decoded, ...extra }` or `{ error, ...extra }` out.
 *
 * @module
 */
import { boundedGeotiff } from "../data/tiff_codec.ts";

const geotiff = boundedGeotiff();
const self = globalThis as unknown as {
  addEventListener(type: "message", f: (e: MessageEvent) => void): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

self.addEventListener("message", async (e: MessageEvent) => {
  const { compression, decoderParameters, buffer, ...extra } = e.data;
  try {
    const { getDecoder } = await geotiff;
    const decoder = await getDecoder(compression, decoderParameters);
    const decoded = await decoder.decode(buffer) as ArrayBuffer;
    self.postMessage({ decoded, ...extra }, [decoded]);
  } catch (error) {
    self.postMessage({ error: (error as Error)?.message ?? String(error), ...extra });
  }
});
