import { withAuth } from "@/server/auth/with-auth";
import { importConfig, parseDocumentText } from "@/server/declarative/config-actions";
import { readDocumentText } from "@/server/http/body";
import { ApiError } from "@/server/http/errors";
import type { FieldError } from "@/server/http/errors";

export const dynamic = "force-dynamic";

/**
 * Imports a declarative file. Query: `mode=sync|partial|tags` (default sync), `tags=a,b` (mode tags),
 * `dry_run=true` (returns the diff, writes nothing). One transaction: all or nothing.
 */
export const POST = withAuth({ role: "editor" }, async ({ req, url, auth, requestId, ip }) => {
  const p = url.searchParams;
  const errors: FieldError[] = [];
  const mode = p.get("mode") ?? "sync";
  if (mode !== "sync" && mode !== "partial" && mode !== "tags") {
    errors.push({ path: "mode", message: 'must be "sync", "partial" or "tags"' });
  }
  const tags = (p.get("tags") ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (mode === "tags" && tags.length === 0)
    errors.push({ path: "tags", message: "is required with mode=tags" });
  const dryRunText = p.get("dry_run") ?? "false";
  if (!["true", "false", "1", "0"].includes(dryRunText))
    errors.push({ path: "dry_run", message: "must be true or false" });
  if (errors.length > 0) throw new ApiError("validation", "invalid import parameters", { errors });
  const { text, json } = await readDocumentText(req);
  const outcome = await importConfig({ auth, requestId, ip }, parseDocumentText(text, json), {
    mode: mode as "sync" | "partial" | "tags",
    tags,
    dryRun: dryRunText === "true" || dryRunText === "1",
  });
  return Response.json(outcome);
});
