import type { z } from "zod";
import type { FieldError } from "@/server/http/errors";

/** zod issues → `{ path, message }` (unknown keys reported one by one). */
export function zodErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        out.push({ path: path ? `${path}.${key}` : key, message: "unknown field" });
    } else out.push({ path, message: issue.message });
  }
  return out;
}
