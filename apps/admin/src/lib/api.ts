/** The admin API's error body: a code, a message, and (for 400s) every field error. */
export interface FieldError {
  path: string;
  message: string;
}

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  body: T;
  /** The API's error message when !ok. */
  message: string;
  /** Field errors (400) when !ok. */
  errors: FieldError[];
  code: string | null;
  etag: string | null;
}

/**
 * Calls the admin REST API from the browser (same origin: the session cookie authenticates, the browser's
 * Origin / Sec-Fetch-Site headers pass the CSRF check). The server checks the role on every call.
 */
export async function api<T = unknown>(
  method: string,
  path: string,
  options: {
    body?: unknown;
    ifMatch?: string | number | null;
    text?: string;
    contentType?: string;
  } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  let body: string | undefined;
  if (options.text !== undefined) {
    body = options.text;
    headers["content-type"] = options.contentType ?? "application/json";
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  if (options.ifMatch !== undefined && options.ifMatch !== null) {
    headers["if-match"] = `"${String(options.ifMatch).replace(/^W\//, "").replaceAll('"', "")}"`;
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body });
  } catch {
    return {
      ok: false,
      status: 0,
      body: undefined as T,
      message: "The admin could not be reached.",
      errors: [],
      code: null,
      etag: null,
    };
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  const err = (response.ok ? {} : (parsed ?? {})) as {
    message?: string;
    errors?: FieldError[];
    code?: string;
  };
  return {
    ok: response.ok,
    status: response.status,
    body: parsed as T,
    message: response.ok ? "" : (err.message ?? `${response.status} ${response.statusText}`),
    errors: Array.isArray(err.errors) ? err.errors : [],
    code: err.code ?? null,
    etag: response.headers.get("etag"),
  };
}

/** `a.b[0].c` → ["a", "b", "0", "c"]. */
export function pathParts(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((p) => p !== "");
}

/** The API's field errors as react-jsonschema-form's ErrorSchema (nested `__errors`), below `prefix`. */
export function toErrorSchema(errors: FieldError[], prefix = ""): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const e of errors) {
    let parts = pathParts(e.path);
    const pre = pathParts(prefix);
    if (pre.length && pre.every((p, i) => parts[i] === p)) parts = parts.slice(pre.length);
    let node = root;
    for (const part of parts) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    const list = (node.__errors ??= []) as string[];
    list.push(e.message);
  }
  return root;
}

/** The messages of the field errors at exactly `path`, joined (undefined when none): an input's `error`. */
export function errorAt(errors: FieldError[], path: string): string | undefined {
  return (
    errors
      .filter((e) => e.path === path)
      .map((e) => e.message)
      .join("; ") || undefined
  );
}
