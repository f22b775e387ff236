import "server-only";
import type { z } from "zod";
import { readJsonObject } from "@/server/http/body";
import { ApiError } from "@/server/http/errors";
import { fromZodIssues } from "@gatehouse/config";

/** Reads a JSON body and parses it with a zod schema (400 with every error). */
export async function parseBody<S extends z.ZodType>(
  req: Request,
  schema: S,
): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJsonObject(req), { reportInput: true });
  if (!parsed.success) {
    throw new ApiError("validation", "the request is invalid", {
      errors: fromZodIssues(parsed.error.issues),
    });
  }
  return parsed.data;
}
