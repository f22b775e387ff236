import { includeSecrets } from "@/server/auth/include-secrets";
import { withAuth } from "@/server/auth/with-auth";
import { exportConfig } from "@/server/declarative/config-actions";
import { ApiError } from "@/server/http/errors";

export const dynamic = "force-dynamic";

/**
 * The whole configuration as a declarative file: `?format=yaml` (default) or `json`. Secrets
 * (plugin secret fields, jwt secrets, key and password hashes) are masked unless an admin asks
 * with `include_secrets=true`.
 */
export const GET = withAuth({ role: "viewer" }, async ({ url, auth }) => {
  const format = url.searchParams.get("format") ?? "yaml";
  if (format !== "yaml" && format !== "json") {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path: "format", message: 'must be "yaml" or "json"' }],
    });
  }
  return new Response(await exportConfig(format, includeSecrets(url, auth)), {
    headers: {
      "content-type": format === "json" ? "application/json" : "application/yaml; charset=utf-8",
      "content-disposition": `attachment; filename="gatehouse.${format}"`,
    },
  });
});
