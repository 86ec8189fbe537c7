// One generated request: route, method, path and query, headers, body bytes, session. Bodies larger than
// 64 KiB are described (prefix, filler, size) and only built when sent, so 10,000 samples stay small.
import fc from "fast-check";
import { FUZZ_ROUTES, METHODS, type Contract, type FuzzContext, type FuzzRoute, type Method } from "./fuzz-routes";
import { BAD_UTF8, anyString, headerValue, percentEncode, queryString } from "./fuzz-values";

export type BodySpec =
  | { kind: "none" }
  | { kind: "bytes"; label: string; bytes: Uint8Array }
  | { kind: "filler"; label: string; prefix: string; unit: string; size: number; suffix: string };

/** "none": signed out; a number: which signed-in creator; "throw-away": a session that may be ended. */
export type SessionChoice = "none" | "throw-away" | number;

export interface FuzzRequest {
  route: string;
  contract: Contract;
  implemented: readonly Method[];
  method: Method;
  /** Path and query exactly as sent. */
  target: string;
  headers: Record<string, string>;
  body: BodySpec;
  /** Content-Length, or chunked transfer encoding in several writes. */
  framing: "length" | "chunked";
  session: SessionChoice;
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const json = (value: unknown) => JSON.stringify(value) ?? "null";

/** Breaks a JSON text: truncated, a stray character, single quotes, a trailing comma, a BOM, NaN. */
const malformedJson = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.nat({ max: Math.max(0, text.length - 1) }).map((at) => text.slice(0, at)),
    fc.tuple(fc.nat({ max: text.length }), fc.constantFrom("{", "}", ",", ":", "\"", "\\", "]", "\u0000", "'")).map(([at, c]) => text.slice(0, at) + c + text.slice(at)),
    fc.constant(text.replaceAll("\"", "'")),
    fc.constant(text.replace(/}$/, ",}")),
    fc.constant(`\ufeff${text}`),
    fc.constantFrom("{not json", "", "NaN", "{\"a\":1}{\"b\":2}", "[".repeat(5_000), "{\"a\":".repeat(2_000), "\"\\ud800\"", "1e999999"),
  );

/** Splices an invalid UTF-8 sequence into the body's bytes (often inside a JSON string). */
const withInvalidUtf8 = (text: string): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.nat({ max: text.length }), fc.constantFrom(...BAD_UTF8), fc.nat({ max: 3 })).map(([at, bytes, repeat]) => {
    const bad = Buffer.from(Array.from({ length: repeat + 1 }, () => bytes).flat());
    return new Uint8Array(Buffer.concat([Buffer.from(text.slice(0, at), "utf8"), bad, Buffer.from(text.slice(at), "utf8")]));
  });

function bodyFor(route: FuzzRoute, ctx: FuzzContext): fc.Arbitrary<BodySpec> {
  const schemaLike: fc.Arbitrary<unknown> = route.body ?? fc.jsonValue({ maxDepth: 3 });
  const bytes = (label: string, arb: fc.Arbitrary<Uint8Array>): fc.Arbitrary<BodySpec> => arb.map((b) => ({ kind: "bytes", label, bytes: b }));
  if (route.form) {
    const form = route.form(ctx);
    return fc.oneof(
      { weight: 8, arbitrary: bytes("form", form.map(utf8)) },
      { weight: 1, arbitrary: bytes("form with invalid UTF-8", form.chain(withInvalidUtf8)) },
      { weight: 1, arbitrary: bytes("JSON to a form endpoint", schemaLike.map((v) => utf8(json(v)))) },
    );
  }
  const oversized: fc.Arbitrary<BodySpec> = fc
    .record({
      size: fc.oneof(fc.integer({ min: 64 * 1024 + 1, max: 160 * 1024 }), fc.integer({ min: 1024 * 1024 - 4_096, max: 1024 * 1024 + 4_096 })),
      unit: fc.constantFrom("a", "é", "\\u0000", "😀", "{", "\u0000"),
      field: fc.constantFrom("context", "email", "password", "name", "x"),
      closed: fc.boolean(),
    })
    .map(({ size, unit, field, closed }) => ({
      kind: "filler",
      label: `oversized ${closed ? "JSON" : "unterminated JSON"}`,
      prefix: `{"kind":"caption","platform":"tiktok","tone":"warm","email":"big@example.com","${field}":"`,
      unit,
      size,
      suffix: closed ? "\"}" : "",
    }));
  return fc.oneof(
    { weight: 2, arbitrary: bytes("random JSON value", fc.jsonValue({ maxDepth: 4 }).map((v) => utf8(json(v)))) },
    { weight: 5, arbitrary: bytes("near-schema JSON", schemaLike.map((v) => utf8(json(v)))) },
    { weight: 2, arbitrary: bytes("malformed JSON", schemaLike.chain((v) => malformedJson(json(v))).map(utf8)) },
    { weight: 2, arbitrary: bytes("invalid UTF-8", schemaLike.chain((v) => withInvalidUtf8(json(v)))) },
    { weight: 1, arbitrary: bytes("random bytes", fc.uint8Array({ maxLength: 2_048 })) },
    {
      weight: 1,
      arbitrary: bytes(
        "form-encoded",
        fc.array(fc.tuple(fc.constantFrom("email", "password", "name", "kind", "context"), anyString(20)), { maxLength: 4 }).map((pairs) =>
          utf8(pairs.map(([k, v]) => `${k}=${percentEncode(v)}%ZZ`).join("&")),
        ),
      ),
    },
    { weight: 1, arbitrary: oversized },
  );
}

const FORM_CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8", "APPLICATION/X-WWW-FORM-URLENCODED", "application/x-www-form-urlencoded;charset=latin1"];

const CONTENT_TYPES = [
  "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/json; charset=latin1", "application/json, text/plain",
  "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data", "application/xml",
  "text/event-stream", "application/vnd.api+json", "*/*", "", ";", "application/json\t", "x/\u00e9",
];

// Headers that decide framing or the connection are left to Node's client: a wrong one tests llhttp, not the app.
const FRAMING = new Set(["content-length", "transfer-encoding", "connection", "upgrade", "expect", "keep-alive", "te", "trailer", "host", "http2-settings", "proxy-connection", "cookie", "x-forwarded-for", "content-type"]);

const hostLike = (ctx: FuzzContext) =>
  fc.constantFrom(
    `127.0.0.1:${ctx.port}`, `app.localhost:${ctx.port}`, "kpi.localhost", "huntaze.localhost", "stagging.localhost", "evil.example", `[::1]:${ctx.port}`,
    `LOCALHOST:${ctx.port}`, "localhost.", "localhost:99999", `localhost:${ctx.port}@evil.example`, "localhost, evil.example", "a".repeat(300), "%ZZ",
  );

function randomHeaders(ctx: FuzzContext): fc.Arbitrary<Record<string, string>> {
  const named: Record<string, fc.Arbitrary<string>> = {
    "idempotency-key": fc.oneof(fc.uuid(), fc.constantFrom("", " ", "x".repeat(300), "../../etc/passwd", "%ZZ", "a,b", "null"), headerValue(80)),
    accept: fc.oneof(fc.constantFrom("*/*", "application/json", "text/html", "text/event-stream", "text/x-component", "application/xml;q=0.9,*/*;q=0.8", ""), headerValue(40)),
    origin: fc.oneof(fc.constantFrom(ctx.appUrl, ctx.appUrl, "null", "https://evil.example", `${ctx.appUrl}/`, "http://kpi.localhost"), headerValue(30)),
    referer: fc.oneof(fc.constant(`${ctx.appUrl}/app`), headerValue(60)),
    "x-forwarded-host": hostLike(ctx),
    "x-forwarded-proto": fc.constantFrom("https", "http", "HTTPS", "gopher", "", "https, http"),
    "x-request-id": fc.oneof(fc.uuid(), headerValue(200)),
    "x-huntaze-client-ip": fc.oneof(fc.ipV4(), headerValue(20)),
    "x-huntaze-pathname": fc.constantFrom("/app", "//evil.example", "%ZZ"),
    "x-middleware-subrequest": fc.constantFrom("middleware:middleware:middleware:middleware:middleware", "proxy:proxy:proxy:proxy:proxy", "src/middleware"),
    "next-action": headerValue(42),
    rsc: fc.constantFrom("1", "0", "true"),
    // Only states Next's client could send: with `RSC: 1`, a malformed one makes Next 16.4 throw while rendering
    // any page ("The router state header was sent but could not be parsed") and answer 500, before our code runs.
    "next-router-state-tree": fc.constantFrom(
      encodeURIComponent(JSON.stringify(["", { children: ["__PAGE__", {}] }])),
      encodeURIComponent(JSON.stringify(["", { children: ["app", { children: ["drafts", { children: ["__PAGE__", {}] }] }] }, null, "refetch"])),
    ),
    "accept-encoding": fc.constantFrom("gzip", "br", "gzip, deflate, br, zstd", "identity;q=0", "*", "x"),
    "accept-language": headerValue(30),
    "content-encoding": fc.constantFrom("gzip", "br", "deflate", "identity", "x"),
    authorization: fc.oneof(fc.constantFrom("Bearer", "Basic Zm9vOmJhcg=="), headerValue(60)),
    range: fc.constantFrom("bytes=0-10", "bytes=-1", "bytes=99999999999999999999-", "x"),
    "if-none-match": headerValue(30),
    "user-agent": headerValue(120),
  };
  const randomName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,24}$/).filter((n) => !FRAMING.has(n.toLowerCase()));
  const randomPair = fc.tuple(randomName, fc.oneof({ weight: 9, arbitrary: headerValue(60) }, { weight: 1, arbitrary: fc.integer({ min: 500, max: 3_000 }).map((n) => "h".repeat(n)) }));
  return fc
    .tuple(fc.subarray(Object.keys(named), { maxLength: 4 }).chain((names) => fc.tuple(...names.map((n) => named[n]!.map((v) => [n, v] as const)))), fc.array(randomPair, { maxLength: 3 }))
    .map(([known, random]) => Object.fromEntries([...random, ...known]));
}

/** X-Forwarded-For as CloudFront would append it: client-written hops (garbage allowed), then the address it saw. */
const forwardedFor = fc
  .tuple(
    fc.array(fc.oneof(fc.ipV4(), headerValue(15).map((v) => v.replaceAll(",", ""))), { maxLength: 3 }),
    fc.oneof({ weight: 20, arbitrary: fc.ipV4() }, { weight: 3, arbitrary: fc.ipV6() }, { weight: 1, arbitrary: fc.constantFrom("", "unknown", "999.1.1.1", "::ffff:10.0.0.1") }),
  )
  .map(([spoofed, seen]) => [...spoofed, seen].join(", "));

const cookieJunk = fc.oneof(
  fc.constantFrom("better-auth.session_token=abc.def", "__Secure-better-auth.session_token=%ZZ.sig", "=", ";;;", "a=%ZZ", "better-auth.session_data=eyJ9"),
  fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/), headerValue(40).map((v) => v.replaceAll(";", ""))), { maxLength: 5 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("; ")),
);

export function fuzzRequest(ctx: FuzzContext, sessions: number): fc.Arbitrary<FuzzRequest> {
  const routes = FUZZ_ROUTES.map((route) => ({ weight: route.weight, arbitrary: fc.constant(route) }));
  return fc.oneof(...routes).chain((route) =>
    fc
      .record({
        method: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...route.methods) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
        path: route.path?.(ctx) ?? fc.constant(route.pattern),
        query: queryString(route.query?.(ctx)),
        headers: randomHeaders(ctx),
        routeHeaders: route.headers?.(ctx) ?? fc.constant({}),
        contentType: route.form
          ? fc.option(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...FORM_CONTENT_TYPES) }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }), { freq: 20 })
          : fc.option(fc.oneof({ weight: 6, arbitrary: fc.constant("application/json") }, { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) }), { freq: 8 }),
        body: bodyFor(route, ctx),
        bodyWithoutPayloadMethod: fc.nat({ max: 9 }),
        xff: forwardedFor,
        host: fc.oneof({ weight: 24, arbitrary: fc.constant(`localhost:${ctx.port}`) }, { weight: 1, arbitrary: hostLike(ctx) }),
        cookie: fc.option(cookieJunk, { freq: 4 }),
        session: fc.oneof(fc.constant<SessionChoice>("none"), fc.nat({ max: sessions - 1 })),
        framing: fc.oneof({ weight: 5, arbitrary: fc.constant("length" as const) }, { weight: 1, arbitrary: fc.constant("chunked" as const) }),
      })
      .map((r): FuzzRequest => {
        const carriesBody = r.method === "POST" || r.method === "PUT" || r.method === "PATCH" || r.bodyWithoutPayloadMethod === 0;
        const headers: Record<string, string> = { ...r.headers, ...r.routeHeaders, host: r.host, "x-forwarded-for": r.xff };
        if (r.contentType !== null) headers["content-type"] = r.contentType;
        if (r.cookie !== null) headers.cookie = r.cookie;
        const session: SessionChoice = r.session !== "none" && route.endsSession?.(r.path) ? "throw-away" : r.session;
        return {
          route: route.pattern,
          contract: route.contract,
          implemented: route.methods,
          method: r.method,
          target: `${r.path}${r.query}`,
          headers,
          body: carriesBody ? r.body : { kind: "none" },
          framing: r.framing,
          session,
        };
      }),
  );
}

/** The body's bytes; built here so the samples do not hold megabytes each. */
export function bodyBytes(body: BodySpec): Buffer | null {
  if (body.kind === "none") return null;
  if (body.kind === "bytes") return Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength);
  const unit = Buffer.from(body.unit, "utf8");
  const filler = Buffer.alloc(Math.max(0, body.size - body.prefix.length - body.suffix.length), unit);
  return Buffer.concat([Buffer.from(body.prefix, "utf8"), filler, Buffer.from(body.suffix, "utf8")]);
}
