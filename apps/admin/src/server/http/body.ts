import "server-only";
import { ApiError } from "@/server/http/errors";
import { refuseHostileJson } from "@/server/http/json-guard";

/** Largest accepted request body (bytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  new ApiError("payload_too_large", `the request body must be at most ${MAX_BODY_BYTES} bytes`);

/**
 * The body as text, refusing more than MAX_BODY_BYTES both by Content-Length and by the bytes
 * actually read (a chunked or lying client is cut off as soon as it goes over).
 */
export async function readBodyText(req: Request): Promise<string> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function isJsonType(type: string): boolean {
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** A JSON object body. 415 unless Content-Type is JSON, 413 when too large, 400 when malformed. */
export async function readJsonObject(req: Request): Promise<Record<string, unknown>> {
  if (!isJsonType(mediaType(req))) {
    throw new ApiError("unsupported_media_type", 'Content-Type must be "application/json"');
  }
  const text = await readBodyText(req);
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    throw new ApiError("bad_request", `the body is not valid JSON: ${(error as Error).message}`, {
      errors: [{ path: "", message: "invalid JSON" }],
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError("validation", "the body must be a JSON object", {
      errors: [{ path: "", message: "must be an object" }],
    });
  }
  refuseHostileJson(value);
  return value as Record<string, unknown>;
}

/** A declarative document body: JSON or YAML (by Content-Type). */
export async function readDocumentText(req: Request): Promise<{ text: string; json: boolean }> {
  const type = mediaType(req);
  const yaml = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];
  if (!isJsonType(type) && !yaml.includes(type)) {
    throw new ApiError(
      "unsupported_media_type",
      'Content-Type must be "application/json" or "application/yaml"',
    );
  }
  return { text: await readBodyText(req), json: isJsonType(type) };
}
