// The floor of the request-termination row: Node's own HTTP server answering every request with
// a fixed 200 and no other work. Usage: node bench/node-http.mjs PORT
import http from "node:http";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node bench/node-http.mjs PORT");
  process.exit(2);
}
const body = Buffer.from("ok\n");
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
});
server.listen(port, "127.0.0.1");
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("SIGHUP", stop);
