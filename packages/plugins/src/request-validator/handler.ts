import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { parseMime } from "../shared/mime.js";
import { readme } from "../shared/readme.js";
import { compileSchema, describeErrors, retainSchemas, schemaKey } from "./compile.js";
import type { ParamSpec, Style } from "./params.js";
import { headerValue, pathValue, queryValue, typed } from "./params.js";
import type { ParameterConfig, RequestValidatorConfig } from "./schema.js";
import { bodyDraft, parameterDraft, requestValidatorSchema } from "./schema.js";

export const ERR_BODY = "request body doesn't conform to schema";
export const ERR_PARAM = "request param doesn't conform to schema";
export const ERR_CONTENT_TYPE = "specified Content-Type is not allowed";

/** Kong's check: type and subtype (case-insensitive, `*` matches any), and the same parameters unless
 * content_type_parameter_validation is off (charset's value compared case-insensitively). */
export function contentTypeAllowed(conf: RequestValidatorConfig, header: string | undefined) {
  if (header === undefined) return false;
  const a = parseMime(header);
  if (a === undefined) return false;
  const norm = (p: Record<string, string>) =>
    Object.entries(p)
      .map(([k, v]) => `${k}=${k === "charset" ? v.toLowerCase() : v}`)
      .sort()
      .join(";");
  return conf.allowed_content_types.some((allowed) => {
    const e = parseMime(allowed);
    if (e === undefined) return false;
    if (e.type !== "*" && e.type !== a.type) return false;
    if (e.subtype !== "*" && e.subtype !== a.subtype) return false;
    return !conf.content_type_parameter_validation || norm(e.params) === norm(a.params);
  });
}

function isJson(header: string): boolean {
  const m = parseMime(header);
  return (
    m !== undefined &&
    m.type === "application" &&
    (m.subtype === "json" || m.subtype.endsWith("+json"))
  );
}

function reject(kit: Kit, conf: RequestValidatorConfig, generic: string, detail: string): void {
  kit.response.exit(400, { message: conf.verbose_response ? detail : generic });
}

/** The parameter's value as the validator sees it (deserialized by style, typed by its schema). */
function paramValue(kit: Kit, p: ParameterConfig, schema: Record<string, unknown> | undefined) {
  const spec: ParamSpec = {
    name: p.name,
    type: typeof schema?.type === "string" ? schema.type : undefined,
    style: (p.style ?? (p.in === "query" ? "form" : "simple")) as Style,
    explode: p.explode ?? p.in === "query",
  };
  const raw =
    p.in === "header"
      ? headerValue(spec, kit.request.getHeaders(1000).headers[p.name.toLowerCase()])
      : p.in === "path"
        ? pathValue(spec, kit.request.getUriCaptures().named[p.name])
        : queryValue(spec, kit.request.getQuery(1000));
  return raw === undefined || schema === undefined ? raw : typed(raw, schema);
}

function checkParameters(kit: Kit, conf: RequestValidatorConfig): string | undefined {
  for (const p of conf.parameter_schema ?? []) {
    const c = p.schema != null ? compileSchema(p.schema, parameterDraft(conf)) : undefined;
    const schema = c?.ok ? (c.validate.schema as Record<string, unknown>) : undefined;
    const value = paramValue(kit, p, schema);
    if (value === undefined) {
      if (p.required) return `${p.in} '${p.name}' is required`;
      continue;
    }
    if (c?.ok && !c.validate(value))
      return `${p.in} '${p.name}' validation failed: ${describeErrors(c.validate.errors, "value")}`;
  }
  return undefined;
}

async function access(kit: Kit, conf: RequestValidatorConfig): Promise<void> {
  const paramError = checkParameters(kit, conf);
  if (paramError !== undefined) {
    reject(kit, conf, ERR_PARAM, paramError);
    return;
  }
  if (conf.body_schema == null || conf.body_schema === "") return;
  const ct = kit.request.getHeader("content-type");
  if (!contentTypeAllowed(conf, ct)) {
    kit.response.exit(400, { message: ERR_CONTENT_TYPE });
    return;
  }
  if (!isJson(ct as string)) return; // Kong validates JSON bodies only
  const c = compileSchema(conf.body_schema, bodyDraft(conf));
  if (!c.ok) return; // refused when the config was applied
  const raw = await kit.request.getRawBody();
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    reject(kit, conf, ERR_BODY, "request body is not valid JSON");
    return;
  }
  if (!c.validate(body)) reject(kit, conf, ERR_BODY, describeErrors(c.validate.errors, "body"));
}

function schemasOf(c: RequestValidatorConfig): string[] {
  const out: string[] = [];
  if (c.body_schema != null) out.push(schemaKey(c.body_schema, bodyDraft(c)));
  for (const p of c.parameter_schema ?? [])
    if (p.schema != null) out.push(schemaKey(p.schema, parameterDraft(c)));
  return out;
}

export const requestValidator = definePlugin({
  name: "request-validator",
  version: "1.0.0",
  priority: 999,
  configSchema: requestValidatorSchema,
  phases: { access },
  // validators are compiled when the config is validated and applied (compileSchema caches them by
  // draft and schema text), never per request; schemas no running config uses are dropped
  retain: (configs) => retainSchemas(new Set(configs.flatMap(schemasOf))),
  meta: {
    title: "Request Validator",
    category: "security",
    summary:
      "Validates request bodies, query arguments and headers against JSON Schema draft 4 or 2020-12 (compiled once per config) with Kong's 400 messages.",
    icon: "shield-check",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
