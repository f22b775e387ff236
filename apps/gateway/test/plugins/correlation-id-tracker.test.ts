import assert from "node:assert/strict";
import { Agent, get } from "node:http";
import { test } from "node:test";
import { correlationId } from "@gatehouse/plugins";
import { doc, echoUpstream, gateway } from "./helpers.js";

/** GET through `agent`, resolving with the echoed X-Request-ID. */
function requestId(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${url}/api`, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(String(res.headers["x-request-id"])));
    }).on("error", reject);
  });
}

test("correlation-id tracker: server address and port, connection serial, requests counted per keep-alive connection", async (t) => {
  const up = await echoUpstream(t);
  const conf = { header_name: "X-Request-ID", generator: "tracker", echo_downstream: true };
  const gw = await gateway(t, doc(up.url, [{ name: "correlation-id", config: conf }]), [
    correlationId,
  ]);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const first = (await requestId(gw.url, agent)).split("-");
  const second = (await requestId(gw.url, agent)).split("-");
  const { hostname, port } = new URL(gw.url);
  // server_addr-server_port-pid-connection-connection_requests-timestamp
  assert.deepEqual(first.slice(0, 3), [hostname, port, String(process.pid)]);
  assert.deepEqual(second.slice(0, 3), [hostname, port, String(process.pid)]);
  assert.ok(Number(first[3]) >= 1, `connection serial ${first[3]}`);
  assert.equal(second[3], first[3], "same keep-alive connection");
  assert.deepEqual([first[4], second[4]], ["1", "2"]);

  const other = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => other.destroy());
  const third = (await requestId(gw.url, other)).split("-");
  assert.notEqual(third[3], first[3], "a new connection gets a new serial");
  assert.equal(third[4], "1");
});
