#!/usr/bin/env node
/**
 * Demo echo upstream: answers every request with JSON { method, path, query, headers, body }.
 *   node apps/gateway/dist/echo.js --listen 127.0.0.1:8002
 */
import { Command } from "commander";
import { createEchoServer } from "./echo-server.js";
import { parseHostPort } from "./net/listen.js";

async function main(): Promise<void> {
  const program = new Command()
    .name("gatehouse-echo")
    .description("Demo echo upstream for Gatehouse")
    .option("--listen <host:port>", "address to listen on", "127.0.0.1:8002")
    .parse();
  const { listen } = program.opts<{ listen: string }>();
  let addr: { host: string; port: number };
  try {
    addr = parseHostPort(listen, "--listen");
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const server = createEchoServer();
  server.on("error", (err) => {
    console.error(`echo: cannot listen on ${listen}: ${err.message}`);
    process.exit(1);
  });
  server.listen(addr.port, addr.host, () => {
    console.log(`echo upstream listening on http://${listen}`);
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.once("SIGHUP", stop);
}

void main();
