import { z } from "zod";
import { headerName, headerValue, intBetween } from "../shared/fields.js";

const present = (v: string | null | undefined): v is string =>
  v !== undefined && v !== null && v !== "";

export const ERR_MESSAGE_WITH_BODY = "message cannot be used with content_type or body";
export const ERR_CONTENT_TYPE_NEEDS_BODY = "content_type requires a body";
export const ERR_ECHO_WITH_BODY = "echo cannot be used with content_type and body";
export const ERR_TRIGGER_ALIAS = "echo_trigger is an alias of trigger: set only one of them";

export const requestTerminationSchema = z
  .object({
    status_code: intBetween(100, 599).default(503).describe("The response code to send."),
    message: z
      .string()
      .nullish()
      .describe("The message to send, if using the default response generator.")
      .meta({
        examples: ["Service temporarily unavailable"],
        exclusiveWith: ["body", "content_type"],
      }),
    body: z
      .string()
      .nullish()
      .describe("The raw response body to send (mutually exclusive with message).")
      .meta({
        contentMediaType: "text/plain",
        examples: ['{"message": "down for maintenance"}'],
        exclusiveWith: ["message", "echo"],
      }),
    content_type: headerValue
      .nullish()
      .describe("Content type of the raw response configured with body.")
      .meta({ examples: ["application/json"], exclusiveWith: ["message", "echo"] }),
    echo: z
      .boolean()
      .default(false)
      .describe("Echo a copy of the request back to the client (debugging).")
      .meta({ exclusiveWith: ["body", "content_type"] }),
    trigger: headerName
      .nullish()
      .describe("Only terminate requests carrying this header or query argument; others pass.")
      .meta({ examples: ["X-Terminate"], exclusiveWith: ["echo_trigger"] }),
    echo_trigger: headerName
      .nullish()
      .describe("Alias of trigger.")
      .meta({ examples: ["X-Terminate"], exclusiveWith: ["trigger"] }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (present(c.message) && (present(c.content_type) || present(c.body))) {
      ctx.addIssue({ code: "custom", path: ["message"], message: ERR_MESSAGE_WITH_BODY });
    }
    if (present(c.content_type) && !present(c.body)) {
      ctx.addIssue({
        code: "custom",
        path: ["content_type"],
        message: ERR_CONTENT_TYPE_NEEDS_BODY,
      });
    }
    if (c.echo && (present(c.content_type) || present(c.body))) {
      ctx.addIssue({ code: "custom", path: ["echo"], message: ERR_ECHO_WITH_BODY });
    }
    if (present(c.trigger) && present(c.echo_trigger)) {
      ctx.addIssue({ code: "custom", path: ["echo_trigger"], message: ERR_TRIGGER_ALIAS });
    }
  });

export type RequestTerminationConfig = z.output<typeof requestTerminationSchema>;
