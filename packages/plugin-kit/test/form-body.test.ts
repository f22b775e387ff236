import assert from "node:assert/strict";
import { test } from "node:test";
import {
  encodeMultipart,
  multipartArgs,
  multipartBoundary,
  parseMultipart,
  withoutFormArg,
  withoutMultipartField,
} from "../src/index.js";

test("withoutFormArg drops only the named pairs (encoded names too) and keeps the rest byte for byte", () => {
  assert.equal(withoutFormArg("b=2&key=1&a=%20x&key&c", "key"), "b=2&a=%20x&c");
  assert.equal(withoutFormArg("k%65y=1&a=1", "key"), "a=1");
  assert.equal(withoutFormArg("a=1&b=2", "key"), "a=1&b=2");
  assert.equal(withoutFormArg("key=1", "key"), "");
  assert.equal(withoutFormArg("%zz=1&key=2", "key"), "%zz=1");
});

test("multipartBoundary reads quoted and bare boundaries of multipart/form-data only", () => {
  assert.equal(multipartBoundary('multipart/form-data; boundary="a b"'), "a b");
  assert.equal(multipartBoundary("Multipart/Form-Data;boundary=xyz; charset=utf-8"), "xyz");
  assert.equal(multipartBoundary("multipart/mixed; boundary=xyz"), undefined);
  assert.equal(multipartBoundary("multipart/form-data"), undefined);
});

test("parseMultipart reads fields, files, a preamble and repeated names; a broken body gives what it could read", () => {
  const body = Buffer.from(
    'preamble\r\n--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n' +
      '--B\r\ncontent-disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--C\r\n' +
      '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n2\r\n--B--\r\n',
  );
  const parts = parseMultipart(body, "B");
  assert.deepEqual(
    parts.map((p) => [p.name, p.filename, p.value.toString()]),
    [
      ["a", undefined, "1"],
      ["f", "x.bin", "\r\n--C"],
      ["a", undefined, "2"],
    ],
  );
  assert.deepEqual(multipartArgs(parts), { a: ["1", "2"], f: "\r\n--C" });
  assert.deepEqual(parseMultipart(body.subarray(0, 60), "B"), []);
  assert.deepEqual(parseMultipart(Buffer.from("garbage"), "B"), []);
});

test("withoutMultipartField removes the named parts and round-trips the others", () => {
  const body = encodeMultipart({ a: "1", key: "s", b: ["x", "y"] }, "BB");
  const rest = withoutMultipartField(body, "BB", "key");
  assert.equal(rest.toString(), encodeMultipart({ a: "1", b: ["x", "y"] }, "BB").toString());
  assert.equal(withoutMultipartField(body, "BB", "nope"), body);
});
