import type { z } from "zod";
import type { ConfigError } from "./types.js";

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `["services", 0, "routes", 1]` → `services[0].routes[1]` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const key = String(seg);
      if (SIMPLE_KEY.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

export function joinPath(base: string, rest: string): string {
  if (base === "") return rest;
  if (rest === "") return base;
  return rest.startsWith("[") ? base + rest : `${base}.${rest}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  record: "an object",
};

/** `must be at most 5`, `must have at least 1 item`, `must be at most 64 characters long`. */
function sizeReason(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  const big = issue.code === "too_big";
  const bound = Number(big ? issue.maximum : issue.minimum);
  const exclusive = issue.inclusive === false;
  const word = big ? (exclusive ? "less than" : "at most") : exclusive ? "more than" : "at least";
  switch (issue.origin) {
    case "array":
    case "set":
      return `must have ${word} ${bound} item${bound === 1 ? "" : "s"}`;
    case "string":
      return `must be ${word} ${bound} character${bound === 1 ? "" : "s"} long`;
    default:
      return `must be ${word} ${bound}`;
  }
}

/** Zod issues → `{ path, message }` with short, user-facing reasons. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], base = ""): ConfigError[] {
  const out: ConfigError[] = [];
  for (const issue of issues) {
    const path = joinPath(base, formatPath(issue.path));
    if (
      (issue.code === "invalid_type" ||
        issue.code === "invalid_value" ||
        issue.code === "invalid_union") &&
      "input" in issue &&
      issue.input === undefined
    ) {
      out.push({ path, message: "is required" });
      continue;
    }
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          out.push({ path: joinPath(path, formatPath([key])), message: "unknown field" });
        }
        break;
      case "invalid_type": {
        if (issue.message && !issue.message.startsWith("Invalid")) {
          out.push({ path, message: issue.message }); // the schema's own message
          break;
        }
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        out.push({ path, message: `must be ${expected}, got ${describe(issue.input)}` });
        break;
      }
      case "invalid_key":
        // a record key refused by its schema: the key's own reasons, at the key
        for (const e of fromZodIssues(issue.issues)) out.push({ path, message: e.message });
        break;
      case "invalid_value":
        if (issue.message && !issue.message.startsWith("Invalid"))
          out.push({ path, message: issue.message });
        else
          out.push({
            path,
            message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
          });
        break;
      case "too_big":
      case "too_small":
        // zod's own text starts "Too big" / "Too small"; a schema's message is kept
        out.push({
          path,
          message: issue.message.startsWith("Too ") ? sizeReason(issue) : issue.message,
        });
        break;
      case "invalid_format":
        if (!issue.message.startsWith("Invalid")) out.push({ path, message: issue.message });
        else if (issue.format === "regex" && "pattern" in issue)
          out.push({ path, message: `must match ${String(issue.pattern)}` });
        else out.push({ path, message: `must be a valid ${issue.format}` });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}
