// Clickjacking and sniffing defences on every response of a real admin: pages, API (success and
// error), health, static files, unknown paths.
import assert from "node:assert/strict";
import { test } from "node:test";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

function assertSecurityHeaders(path: string, headers: Headers): string {
  const csp = headers.get("content-security-policy") ?? "";
  assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, `${path}: CSP ${csp}`);
  assert.match(csp, /(^|; )object-src 'none'(;|$)/, `${path}: CSP ${csp}`);
  assert.equal(headers.get("x-frame-options"), "DENY", path);
  assert.equal(headers.get("x-content-type-options"), "nosniff", path);
  assert.equal(headers.get("referrer-policy"), "strict-origin-when-cross-origin", path);
  return csp;
}

test("framing the admin is refused on every response (CSP frame-ancestors, X-Frame-Options)", async () => {
  const page = await api("GET", "/login", { token: null });
  assert.equal(page.status, 200);
  assertSecurityHeaders("/login", page.headers);
  const script = /<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/.exec(page.text)?.[1];
  assert.ok(script, "the login page loads a script bundle");

  // [method, path, signed in (bootstrap token), expected status]
  const cases: [string, string, boolean, number][] = [
    ["GET", "/api/v1/services", false, 401],
    ["GET", "/api/v1/services", true, 200],
    ["POST", "/api/v1/services", true, 400],
    ["GET", "/api/health", false, 200],
    ["GET", "/api/v1/openapi.json", true, 200],
    ["GET", "/no-such-page", false, 404],
    ["GET", "/services", false, 307],
    ["GET", script, false, 200],
  ];
  for (const [method, path, signedIn, status] of cases) {
    const r = await api(method, path, {
      ...(signedIn ? {} : { token: null }),
      ...(method === "POST" ? { body: {} } : {}),
    });
    assert.equal(r.status, status, `${method} ${path}: ${r.text.slice(0, 200)}`);
    assertSecurityHeaders(`${method} ${path}`, r.headers);
  }
});

test("the page's scripts carry the response's CSP nonce, new on every request", async () => {
  const first = await api("GET", "/login", { token: null });
  const second = await api("GET", "/login", { token: null });
  const nonceOf = (csp: string) => /script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  const nonce = nonceOf(assertSecurityHeaders("/login", first.headers));
  assert.ok(nonce, "script-src has a nonce");
  assert.notEqual(nonceOf(second.headers.get("content-security-policy") ?? ""), nonce);
  assert.doesNotMatch(
    first.headers.get("content-security-policy") ?? "",
    /script-src[^;]*'unsafe-inline'/,
  );
  const scripts = [...first.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.ok(scripts.length > 2, `${scripts.length} scripts`);
  for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
});
