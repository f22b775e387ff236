// Test utilities of the built-in plugins (`@gatehouse/plugins/testing`), for tests only.
export { signingKey, startIssuer } from "./openid-connect/test-issuer.js";
export type { Issuer, SigningKey } from "./openid-connect/test-issuer.js";
