// Baseline for the benchmark: http-proxy 1.18.1 with a keep-alive agent and nothing else.
// Usage: node bench/bare-http-proxy.mjs PORT TARGET_URL
import http from "node:http";
import { createRequire } from "node:module";

const require = createRequire(new URL("../apps/gateway/package.json", import.meta.url));
const httpProxy = require("http-proxy");

const [port, target] = process.argv.slice(2);
if (!port || !target) {
  console.error("usage: node bench/bare-http-proxy.mjs PORT TARGET_URL");
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const proxy = httpProxy.createProxyServer({ target, agent, xfwd: true });
proxy.on("error", (_err, _req, res) => {
  if (!res.headersSent) res.writeHead(502);
  res.end();
});
const server = http.createServer((req, res) => proxy.web(req, res));
server.listen(Number(port), "127.0.0.1");
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
