// Sign-in throttling against a real admin on a real database, from real client addresses: every
// request leaves from its own loopback address (127.0.0.x), so the admin sees distinct TCP peers.
// 127.0.0.9 is configured as a trusted reverse proxy; no other address's X-Forwarded-For counts.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

const PROXY = "127.0.0.9";
const password = "correct-horse-battery";
const WRONG = "wrong-password-1";
/** The limits of src/server/auth/login-throttle.ts. */
const PER_USER_AND_ADDRESS = 5;
const PER_ADDRESS = 20;

let admin: Admin;

before(async () => {
  admin = await startAdmin({ GATEHOUSE_ADMIN_TRUSTED_PROXIES: `${PROXY}/32` });
  const api = client(admin);
  for (const username of ["racer", "spoofed", "victim", "slow", "sprayed", "proxied"]) {
    const r = await api("POST", "/api/v1/users", { body: { username, password, role: "viewer" } });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => admin?.stop());

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { code?: string; message?: string; request_id?: string };
}

/** POST /api/v1/auth/login from the loopback address `from`. */
function login(
  from: string,
  username: string,
  pw: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const data = JSON.stringify({ username, password: pw });
  return new Promise((resolve, reject) => {
    const req = request(
      `${admin.url}/api/v1/auth/login`,
      {
        method: "POST",
        localAddress: from,
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(data),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"],
            body: JSON.parse(text || "{}") as Answer["body"],
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

/**
 * How many password checks the throttle allows one (user, address) within `elapsedMs`: the free
 * ones, then one more each time the delay (1 s, 2 s, 4 s, ...) has passed. On a loaded machine
 * a burst can take seconds, and an attempt after a passed delay is rightly checked.
 */
function checksAllowedWithin(elapsedMs: number): number {
  let allowed = PER_USER_AND_ADDRESS;
  for (let wait = 1000, at = wait; at <= elapsedMs; wait *= 2, at += wait) allowed++;
  return allowed;
}

const count = (answers: Answer[], status: number) =>
  answers.filter((a) => a.status === status).length;

async function failedLoginAddresses(username: string): Promise<string[]> {
  const r = await client(admin)(
    "GET",
    `/api/v1/audit?action=login.failed&entity_type=session&entity_id=${username}&limit=100`,
  );
  assert.equal(r.status, 200, r.text);
  return [...new Set((r.body.data as { ip: string }[]).map((entry) => entry.ip))];
}

test("100 concurrent sign-ins, 99 wrong and the right one last: only the limit is checked", async () => {
  const started = Date.now();
  const attempts = Array.from({ length: 100 }, (_, i) =>
    login("127.0.0.11", "racer", i === 99 ? password : WRONG),
  );
  const answers = await Promise.all(attempts);
  const allowed = checksAllowedWithin(Date.now() - started);
  // counted before the check: 401 / 200 (checked), or 503 (counted, then refused for load)
  const counted = count(answers, 401) + count(answers, 200) + count(answers, 503);
  assert.ok(
    counted >= PER_USER_AND_ADDRESS && counted <= allowed,
    `attempts let through: ${counted}, allowed: ${allowed} (before the fix: all 100); ` +
      JSON.stringify(answers.map((a) => a.status)),
  );
  assert.equal(count(answers, 429), 100 - counted);
  for (const limited of answers.filter((a) => a.status === 429)) {
    assert.equal(limited.body.code, "rate_limited");
    assert.ok(Number(limited.retryAfter) >= 1, `Retry-After: ${limited.retryAfter}`);
  }
});

test("rotating X-Forwarded-For neither escapes the throttle nor reaches the audit log", async () => {
  const answers: Answer[] = [];
  for (let i = 0; i <= PER_USER_AND_ADDRESS; i++) {
    answers.push(
      await login("127.0.0.12", "spoofed", WRONG, { "x-forwarded-for": `198.51.100.${i + 1}` }),
    );
  }
  assert.deepEqual(
    answers.map((a) => a.status),
    [...Array<number>(PER_USER_AND_ADDRESS).fill(401), 429],
  );
  assert.deepEqual(await failedLoginAddresses("spoofed"), ["127.0.0.12"]);
});

test("an attacker at another address cannot lock the real user out", async () => {
  const started = Date.now();
  const attacks: Answer[] = [];
  for (let i = 0; i < 30; i++) {
    attacks.push(await login("127.0.0.13", "victim", WRONG, { "x-forwarded-for": `10.0.0.${i}` }));
  }
  assert.equal(count(attacks, 401) + count(attacks, 429), 30);
  assert.ok(count(attacks, 401) <= checksAllowedWithin(Date.now() - started));
  const real = await login("127.0.0.14", "victim", password);
  assert.equal(real.status, 200, JSON.stringify(real.body));
});

test("the delay grows with each failure from one address and passes; success resets it", async () => {
  const from = "127.0.0.15";
  for (let i = 0; i < PER_USER_AND_ADDRESS; i++) {
    assert.equal((await login(from, "slow", WRONG)).status, 401);
  }
  const first = await login(from, "slow", password);
  assert.deepEqual([first.status, first.retryAfter], [429, "1"], "even the right password waits");
  await sleep(1000); // the delay itself is what is tested
  assert.equal((await login(from, "slow", WRONG)).status, 401);
  const second = await login(from, "slow", password);
  assert.deepEqual([second.status, second.retryAfter], [429, "2"]);
  await sleep(2000);
  assert.equal((await login(from, "slow", password)).status, 200);
  assert.equal((await login(from, "slow", WRONG)).status, 401, "the success cleared the delay");
});

test("unknown usernames are throttled exactly like known ones", async () => {
  const statuses = async (username: string) => {
    const answers: Answer[] = [];
    for (let i = 0; i <= PER_USER_AND_ADDRESS; i++) {
      answers.push(await login("127.0.0.16", username, WRONG));
    }
    return answers;
  };
  const known = await statuses("sprayed");
  const unknown = await statuses("nobody-at-all");
  const expected = [...Array<number>(PER_USER_AND_ADDRESS).fill(401), 429];
  assert.deepEqual(
    known.map((a) => a.status),
    expected,
  );
  assert.deepEqual(
    unknown.map((a) => a.status),
    expected,
  );
  assert.deepEqual(unknown.at(-1)?.body, {
    ...known.at(-1)?.body,
    request_id: unknown.at(-1)?.body.request_id,
  });
});

test("spraying many usernames from one address is throttled per address", async () => {
  const from = "127.0.0.17";
  for (let i = 0; i < PER_ADDRESS; i++) {
    assert.equal((await login(from, `spray-${i}`, WRONG)).status, 401, `username ${i + 1}`);
  }
  const next = await login(from, "spray-new", WRONG);
  assert.equal(next.status, 429);
  assert.equal((await login("127.0.0.18", "sprayed", password)).status, 200, "other addresses");
});

test("behind a trusted proxy, X-Forwarded-For names the client for the throttle and the audit log", async () => {
  // the right-most address that is not a trusted proxy is the client
  const via = (client: string) => ({ "x-forwarded-for": `192.0.2.99, ${client}, ${PROXY}` });
  for (let i = 0; i < PER_USER_AND_ADDRESS; i++) {
    assert.equal((await login(PROXY, "proxied", WRONG, via("203.0.113.5"))).status, 401);
  }
  assert.equal((await login(PROXY, "proxied", password, via("203.0.113.5"))).status, 429);
  assert.equal((await login(PROXY, "proxied", password, via("203.0.113.6"))).status, 200);
  assert.deepEqual(await failedLoginAddresses("proxied"), ["203.0.113.5"]);
});

test("a flood of sign-ins gets 503 + Retry-After beyond the password-hashing queue; the admin keeps answering", async () => {
  // 150 addresses (through the trusted proxy), each with its own unknown username: no throttle
  // applies, so only the bound on concurrent password hashing stands between them and the CPU.
  const flood = Array.from({ length: 150 }, (_, i) =>
    login(PROXY, `flood-${i}`, WRONG, { "x-forwarded-for": `100.64.${i >> 8}.${i & 255}` }),
  );
  const started = Date.now();
  const health = await fetch(`${admin.url}/api/v1/auth/me`, {
    headers: { authorization: `Bearer ${admin.bootstrapToken}` },
  });
  const healthMs = Date.now() - started;
  const answers = await Promise.all(flood);
  assert.equal(health.status, 200);
  assert.deepEqual(
    answers.filter((a) => a.status !== 401 && a.status !== 503),
    [],
    "only 401 (checked) or 503 (refused)",
  );
  const refused = answers.filter((a) => a.status === 503);
  assert.ok(refused.length > 0, "some sign-ins are refused while the queue is full");
  for (const r of refused) {
    assert.equal(r.retryAfter, "1");
    assert.equal(r.body.code, "unavailable");
  }
  assert.ok(healthMs < 3000, `/auth/me took ${healthMs} ms during the flood`);
});
