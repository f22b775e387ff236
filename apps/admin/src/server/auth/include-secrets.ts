import "server-only";
import type { Principal } from "@/server/auth/principal";
import { hasRole } from "@/server/auth/roles";
import { ApiError } from "@/server/http/errors";

/**
 * `?include_secrets=true`: secrets (plugin secret fields, jwt secrets, key and password hashes)
 * leave the admin unmasked only for an admin who asks for them explicitly (e.g. to move a
 * configuration); anyone else asking gets a 403, and without the flag everyone gets them masked.
 */
export function includeSecrets(url: URL, auth: Principal): boolean {
  const value = url.searchParams.get("include_secrets");
  if (value === null || value === "false" || value === "0") return false;
  if (value !== "true" && value !== "1") {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path: "include_secrets", message: "must be true or false" }],
    });
  }
  if (!hasRole(auth.role, "admin")) {
    throw new ApiError("forbidden", "include_secrets=true needs the admin role");
  }
  return true;
}
