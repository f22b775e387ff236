import type { Consumer, Credential, Kit } from "@gatehouse/plugin-kit";
import { z } from "zod";
import { headerValue } from "./fields.js";

/**
 * Kong's set_consumer of its authentication plugins: authenticates the client (consumer-scoped
 * plugins and acl apply from the next plugin on) and sets the upstream headers X-Consumer-ID,
 * X-Consumer-Custom-ID, X-Consumer-Username, X-Credential-Identifier (`identifier`) or
 * X-Anonymous-Consumer: true (no credential = the anonymous consumer).
 */
export function setConsumer(
  kit: Kit,
  consumer: Consumer | undefined,
  credential: Credential | undefined,
  identifier?: string,
): void {
  const req = kit.request;
  const set = (name: string, value: string | null | undefined): void => {
    if (value) req.setHeader(name, value);
    else req.clearHeader(name);
  };
  set("X-Consumer-ID", consumer?.id);
  set("X-Consumer-Custom-ID", consumer?.customId);
  set("X-Consumer-Username", consumer?.username);
  kit.client.authenticate(consumer ?? null, credential ?? null);
  if (credential) {
    set("X-Credential-Identifier", identifier ?? credential.id);
    req.clearHeader("X-Anonymous-Consumer");
  } else {
    req.clearHeader("X-Credential-Identifier");
    req.setHeader("X-Anonymous-Consumer", "true");
  }
}

/**
 * `anonymous` of an authentication plugin: continues as that consumer (id or username). A missing
 * consumer is a misconfiguration: a 500 naming it, logged too (Kong's message since its fix after
 * 3.9; Kong 3.9 itself answers a bare "An unexpected error occurred").
 */
export function useAnonymous(kit: Kit, anonymous: string): void {
  const anon = kit.credentials.consumer?.(anonymous);
  if (!anon) {
    const message = `anonymous consumer ${anonymous} is configured but doesn't exist`;
    kit.log.error({ anonymous }, message);
    kit.response.error(500, message);
    return;
  }
  setConsumer(kit, anon, undefined);
}

/** A realm for WWW-Authenticate: a header value without double quotes. */
export const REALM_DEFAULT = "gatehouse";

/** The `realm` field of the authentication plugins. */
export const realmField = headerValue
  .refine((s) => !s.includes('"'), { error: "must not contain a double quote" })
  .nullish()
  .describe(`Realm in the WWW-Authenticate header (default "${REALM_DEFAULT}").`);

/** The `anonymous` field of the authentication plugins. */
export const anonymousField = z
  .string()
  .min(1, { error: "must not be empty" })
  .nullish()
  .describe("Consumer id or username to use when authentication fails (instead of a 401).");
