import httpProxy from "http-proxy";

// The engine is http-proxy 1.18.1, hardened. Every upstream attempt is one
// `proxy.web(req, res, options, callback)` call (callback on every call, see attempt.ts) on this
// single process-wide proxy server whose web passes are reduced to `stream`: `deleteLength` (sets
// content-length: 0 on a chunked DELETE/OPTIONS yet pipes the body: request smuggling),
// `timeout` and `XHeaders` are removed; framing, timeouts and X-Forwarded-* are ours.
// `selfHandleResponse: true`: the caller writes the response (pipeResponse, response.ts).

const proxy = httpProxy.createProxyServer({
  selfHandleResponse: true,
  toProxy: true,
  prependPath: false,
  followRedirects: false,
  xfwd: false,
});
const passes = (proxy as unknown as { webPasses: Array<{ name: string }> }).webPasses;
if (!passes.some((p) => p.name === "deleteLength") || !passes.some((p) => p.name === "stream")) {
  throw new Error("http-proxy: unexpected web passes, the deleteLength fix needs review");
}
passes.splice(0, passes.length, ...passes.filter((p) => p.name === "stream"));
// every proxy.web call has a callback; this listener only keeps a stray 'error' from throwing
proxy.on("error", () => undefined);
/** @internal the http-proxy server every attempt goes through (tests observe its events) */
export const engine = proxy;
