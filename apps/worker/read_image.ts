/**
 * The image of a localize request: the raw body (`curl --data-binary
 * @a.png`), or the part named `file` of a multipart form (`curl -F
 * file=@a.png`, what HTML forms and most HTTP clients send), parsed by the
 * platform's `Request.formData()` after the byte limit has been applied to
 * the whole body.
 *
 * @example
 * ```ts
 * import { readImage } from "./read_image.ts";
 * const form = new FormData();
 * form.append("file", new Blob([new Uint8Array([1, 2, 3])]), "a.png");
 * const req = new Request("http://x/", { method: "POST", body: form });
 * (await readImage(req, 1000)).bytes.length; // 3
 * ```
 * @module
 */
import { ServiceError } from "./errors.ts";
import { readBody, type ReadBodyOptions } from "./read_body.ts";

/** The form field that carries the image. */
export const FILE_FIELD = "file";

const HINT = `send the image as the form's '${FILE_FIELD}' part: curl -F ${FILE_FIELD}=@image.png`;

/** The image's bytes and the request body's size. */
export interface ReadImage {
  bytes: Uint8Array;
  /** Bytes of the whole body (the form's, for multipart). */
  bodyBytes: number;
}

/**
 * Reads the image of `req`, at most `limit` bytes of body; `onBody` hears
 * the body's size as soon as it is read (before the form is checked). With
 * a `budget` in `o`, the caller gives `bodyBytes` back once done; a form
 * that cannot be read gives them back here.
 */
export async function readImage(
  req: Request,
  limit: number,
  onBody?: (bytes: number) => void,
  o: ReadBodyOptions = {},
): Promise<ReadImage> {
  const body = await readBody(req, limit, o);
  onBody?.(body.length);
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) return { bytes: body, bodyBytes: body.length };
  try {
    return await formImage(body, type);
  } catch (e) {
    o.budget?.give(body.length);
    throw e;
  }
}

/** The `file` part of a multipart body. */
async function formImage(body: Uint8Array, type: string): Promise<ReadImage> {
  if (body.length === 0) throw new ServiceError(400, "empty_body", "the request has no image");
  let form: FormData;
  try {
    form = await new Response(body as BodyInit, { headers: { "content-type": type } }).formData();
  } catch {
    throw new ServiceError(400, "bad_form", `the multipart form cannot be parsed; ${HINT}`);
  }
  const part = form.get(FILE_FIELD);
  if (part === null) {
    const names = [...new Set(form.keys())];
    const got = names.length > 0 ? `its parts are ${names.map((n) => `'${n}'`).join(", ")}` : "";
    throw new ServiceError(
      400,
      "missing_file",
      `the form has no '${FILE_FIELD}' part${got ? ` (${got})` : ""}; ${HINT}`,
    );
  }
  if (typeof part === "string") {
    throw new ServiceError(
      400,
      "missing_file",
      `the form's '${FILE_FIELD}' part is text, not a file; ${HINT} (with the @)`,
    );
  }
  return { bytes: new Uint8Array(await part.arrayBuffer()), bodyBytes: body.length };
}
