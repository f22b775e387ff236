/** Where the stack under test listens. `npm test` starts it and sets these; defaults match `npm start`. */
export const adminUrl = process.env.GATEHOUSE_ADMIN_URL || "http://127.0.0.1:3000";

/** The data plane (gateway proxy) the stack started: tests prove every change with a real request here. */
export const proxyUrl = process.env.GATEHOUSE_PROXY_URL || "http://127.0.0.1:8000";

/** The data plane's TLS listener (certificates by SNI). */
export const proxyTlsUrl = process.env.GATEHOUSE_PROXY_TLS_URL || "https://127.0.0.1:8443";
