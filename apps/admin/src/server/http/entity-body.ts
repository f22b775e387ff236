import "server-only";
import { readBodyText, readJsonObject } from "@/server/http/body";
import { coerceFormValue, formToObject } from "@/server/http/form-body";
import { openApiDocument } from "@/server/openapi/document";

/** The OpenAPI input schema of each entity type (what a form body is read against). */
const INPUT_SCHEMA: Record<string, string> = {
  service: "ServiceInput",
  route: "RouteInput",
  plugin: "PluginInput",
  consumer: "ConsumerInput",
  target: "TargetInput",
  keyauth_credential: "KeyAuthInput",
  basicauth_credential: "BasicAuthInput",
  jwt_secret: "JwtInput",
  acl: "AclInput",
  certificate: "CertificateInput",
  sni: "SniInput",
  ca_certificate: "CaCertificateInput",
};

const isForm = (req: Request) =>
  (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ===
  "application/x-www-form-urlencoded";

/**
 * An entity's body: JSON, or (as Kong accepts) `application/x-www-form-urlencoded` with dotted
 * keys (`config.minute=5`, `paths[]=/a`), typed by the entity's schema and, for a plugin, by its
 * config schema.
 */
export async function readEntityBody(
  req: Request,
  entityType: string,
): Promise<Record<string, unknown>> {
  if (!isForm(req)) return readJsonObject(req);
  const raw = formToObject(await readBodyText(req));
  const schemas = (openApiDocument().components as { schemas: Record<string, never> }).schemas;
  const resolve = (ref: string) => schemas[ref.replace("#/components/schemas/", "")];
  const name = INPUT_SCHEMA[entityType];
  const { config, ...rest } = raw;
  const body = coerceFormValue(rest, name ? schemas[name] : undefined, resolve) as Record<
    string,
    unknown
  >;
  if (config !== undefined) {
    const pluginSchema =
      entityType === "plugin" && typeof raw.name === "string"
        ? schemas[`PluginConfig.${raw.name}`]
        : undefined;
    body.config = coerceFormValue(config, pluginSchema, resolve);
  }
  return body;
}
