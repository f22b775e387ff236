import { hasRole } from "@/server/auth/roles";
import { withAuth } from "@/server/auth/with-auth";
import { exportConfig } from "@/server/declarative/config-actions";
import { ApiError } from "@/server/http/errors";

export const dynamic = "force-dynamic";

/**
 * The whole configuration as a declarative file: `?format=yaml` (default) or `json`. Plugin secret
 * fields are masked unless `include_secrets=true` (admins only).
 */
export const GET = withAuth({ role: "viewer" }, async ({ url, auth }) => {
  const format = url.searchParams.get("format") ?? "yaml";
  if (format !== "yaml" && format !== "json") {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path: "format", message: 'must be "yaml" or "json"' }],
    });
  }
  // Plugin secrets leave the admin only for admins who ask for them (e.g. to move a configuration).
  const includeSecrets = url.searchParams.get("include_secrets") === "true";
  if (includeSecrets && !hasRole(auth.role, "admin")) {
    throw new ApiError("forbidden", "include_secrets=true needs the admin role");
  }
  return new Response(await exportConfig(format, includeSecrets), {
    headers: {
      "content-type": format === "json" ? "application/json" : "application/yaml; charset=utf-8",
      "content-disposition": `attachment; filename="gatehouse.${format}"`,
    },
  });
});
