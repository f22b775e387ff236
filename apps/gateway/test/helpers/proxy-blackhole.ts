import { spawn } from "node:child_process";
import net from "node:net";

// A listener whose process never accepts (its event loop is blocked) and whose accept queue is
// full: the kernel drops further SYNs, so a connect to it hangs — a connect timeout on loopback.
const CHILD = `
const net = require("node:net");
const server = net.createServer();
server.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
  process.stdout.write(server.address().port + "\\n", () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
});
`;

function tryConnect(port: number, ms: number): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
  });
}

export async function startBlackhole(): Promise<{ port: number; close(): void }> {
  const child = spawn(process.execPath, ["-e", CHILD], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      if (buf.includes("\n")) resolve(Number(buf.trim()));
    });
    child.once("exit", (code) => reject(new Error(`blackhole child exited with ${code}`)));
  });
  const fillers: net.Socket[] = [];
  const close = (): void => {
    for (const s of fillers) s.destroy();
    child.kill("SIGKILL");
  };
  // fill the accept queue until a connect no longer completes
  for (let i = 0; i < 16; i++) {
    const socket = await tryConnect(port, 150);
    if (!socket) return { port, close };
    fillers.push(socket);
  }
  close();
  throw new Error("blackhole: the accept queue never filled");
}
