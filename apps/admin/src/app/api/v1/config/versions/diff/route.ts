import { withAuth } from "@/server/auth/with-auth";
import { ApiError } from "@/server/http/errors";
import type { FieldError } from "@/server/http/errors";
import { diffVersions, versionNumber } from "@/server/versions/versions";

export const dynamic = "force-dynamic";

/** `?from=N&to=M`: what changes from version N to version M, per entity type. */
export const GET = withAuth({ role: "viewer" }, async ({ url }) => {
  const errors: FieldError[] = [];
  const numbers = (["from", "to"] as const).map((name) => {
    try {
      return versionNumber(url.searchParams.get(name), name);
    } catch (error) {
      if (error instanceof ApiError && error.errors) errors.push(...error.errors);
      return 0;
    }
  });
  if (errors.length > 0) throw new ApiError("validation", "the request is invalid", { errors });
  return Response.json(await diffVersions(numbers[0] ?? 0, numbers[1] ?? 0));
});
