import type { Kit } from "@gatehouse/plugin-kit";
import { BodyTooLargeError, definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import type { RequestSizeLimitingConfig } from "./schema.js";
import { UNIT_BYTES, requestSizeLimitingSchema } from "./schema.js";

export const MSG_TOO_LARGE = "Request size limit exceeded";
export const MSG_LENGTH_REQUIRED = "A valid Content-Length header is required";

function refuse(kit: Kit): void {
  // Kong: a client waiting for 100 Continue gets 417 (its body was never sent)
  const expect = kit.request.getHeader("expect");
  const status = expect !== undefined && expect.trim().toLowerCase() === "100-continue" ? 417 : 413;
  kit.response.error(status, MSG_TOO_LARGE);
}

function isBodyTooLarge(err: unknown): boolean {
  return (
    err instanceof BodyTooLargeError ||
    (err !== null && typeof err === "object" && (err as { status?: unknown }).status === 413)
  );
}

async function access(kit: Kit, conf: RequestSizeLimitingConfig): Promise<void> {
  const allowed = conf.allowed_payload_size * UNIT_BYTES[conf.size_unit];
  const cl = kit.request.getHeader("content-length");
  if (cl !== undefined && /^\d+$/.test(cl.trim())) {
    if (Number(cl) > allowed) refuse(kit);
    return; // the data plane holds the body to its Content-Length
  }
  const chunked = kit.request.getHeader("transfer-encoding") !== undefined;
  if (!chunked && cl === undefined) return; // no body
  if (conf.require_content_length) {
    kit.response.error(411, MSG_LENGTH_REQUIRED);
    return;
  }
  // A body without Content-Length: counted while it is read, refused as soon as it passes the limit
  // (never more than `allowed` bytes are buffered).
  try {
    await kit.request.getRawBody(allowed);
  } catch (err) {
    if (isBodyTooLarge(err)) {
      refuse(kit);
      return;
    }
    throw err;
  }
}

export const requestSizeLimiting = definePlugin({
  name: "request-size-limiting",
  version: "1.0.0",
  priority: 951,
  configSchema: requestSizeLimitingSchema,
  phases: { access },
  meta: {
    title: "Request Size Limiting",
    category: "traffic control",
    summary:
      "Refuses requests whose body is larger than a given size (413), optionally requiring Content-Length.",
    icon: "weight",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
