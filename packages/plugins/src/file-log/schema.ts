import { z } from "zod";

// Kong's rule (match = [[^[^*&%%\`]+$]], a Lua pattern: `%%` is `%`, the backslash is literal): no *, &,
// %, backslash or backtick, and not empty. NUL is refused too: no file system takes it (Kong's C open()
// would cut the path there). Whatever else Kong accepts is accepted; where the file may be is the data
// plane's rule (--file-log-dir, regular files only: place.ts).
// eslint-disable-next-line no-control-regex -- NUL is the one control character refused
const BAD_CHARS = /[*&%`\\\x00]/;

export const fileLogSchema = z
  .object({
    path: z
      .string({ error: "required field missing" })
      .superRefine((s, ctx) => {
        if (s === "" || BAD_CHARS.test(s))
          ctx.addIssue({ code: "custom", message: "not a valid filename" });
      })
      .describe(
        "Path of the log file, inside a directory the data plane allows (--file-log-dir, default .data/logs); a relative path is taken inside it. Created if missing; its directory must exist.",
      )
      .meta({ examples: ["access.log"] }),
    reopen: z
      .boolean({ error: "expected a boolean" })
      .default(false)
      .describe(
        "Close and reopen the file for every batch of entries (so a file renamed by logrotate is recreated).",
      ),
    custom_fields_by_lua: z
      .unknown()
      .optional()
      .superRefine((v, ctx) => {
        if (v !== undefined && v !== null)
          ctx.addIssue({ code: "custom", message: "not supported in Gatehouse (no Lua runtime)" });
      })
      .describe("Kong's Lua-computed fields: not supported (refused when set).")
      .meta({ deprecated: true }),
  })
  .strict();

export type FileLogConfig = z.output<typeof fileLogSchema>;
