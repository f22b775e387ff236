import { withAuth } from "@/server/auth/with-auth";
import { parseDocumentText, validateConfig } from "@/server/declarative/config-actions";
import { readDocumentText } from "@/server/http/body";

export const dynamic = "force-dynamic";

/** Validates a whole declarative file (YAML or JSON); writes nothing. */
export const POST = withAuth({ role: "editor" }, async ({ req }) => {
  const { text, json } = await readDocumentText(req);
  const counts = await validateConfig(parseDocumentText(text, json));
  return Response.json({ valid: true, ...counts });
});
