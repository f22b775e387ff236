import { z } from "zod";
import { ROLES } from "@/server/auth/roles";

const required = {
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? "is required" : "must be a string",
};

export const loginSchema = z.strictObject({
  username: z.string(required).min(1, "is required").max(128),
  password: z.string(required).min(1, "is required").max(1024),
});

export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` });

const password = z
  .string(required)
  .min(12, "must be at least 12 characters")
  .max(1024, "must be at most 1024 characters");

export const userCreateSchema = z.strictObject({
  username: z
    .string(required)
    .min(1, "is required")
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'may contain only letters, digits, ".", "_", "@" and "-"'),
  email: z.email("must be an email address").nullish(),
  password,
  role: roleSchema.default("viewer"),
  disabled: z.boolean().default(false),
});

export const userUpdateSchema = z.strictObject({
  email: z.email("must be an email address").nullish(),
  password: password.optional(),
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  version: z.number().int().optional(),
});

/** Changing your own password: the current one proves it is you. */
export const passwordChangeSchema = z.strictObject({
  current_password: z.string(required).min(1, "is required").max(1024),
  new_password: password,
});

export const tokenCreateSchema = z.strictObject({
  name: z.string(required).min(1, "is required").max(128),
  role: roleSchema.default("viewer"),
  /** ISO 8601 time after which the token stops working */
  expires_at: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).nullish(),
});
