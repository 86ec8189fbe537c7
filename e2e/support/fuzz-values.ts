// fast-check arbitraries for the pieces of a hostile HTTP request: query strings with broken escapes,
// strings of every kind, values of the wrong JSON type, header values Node's client will still send.
import fc from "fast-check";

/** Escapes that are not valid percent-encoding, or decode to bytes that are not UTF-8. */
export const BAD_ESCAPES = [
  "%ZZ", "%C3%28", "%", "%%", "%2", "%G0", "%E2%82", "%u0041", "%00", "%FF%FE", "%ED%A0%80", "%C0%AF", "%F0%28%8C%BC", "%0D%0A", "%25%ZZ",
] as const;

/** Byte sequences that are not UTF-8 (lone continuation, overlong, surrogate, truncated, 0xFF). */
export const BAD_UTF8: readonly (readonly number[])[] = [
  [0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xe2, 0x82, 0x28], [0xf0, 0x28, 0x8c, 0xbc], [0xf8, 0xa1, 0xa1, 0xa1, 0xa1],
  [0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf4, 0x90, 0x80, 0x80],
];

/**
 * Names that a plain object answers from its prototype: an `in` or `obj[input]` lookup keyed by one of them finds
 * Object's own members (DELETE /api/connections/constructor once answered 500). Every dynamic segment, query value
 * and query, form and JSON key of the fuzzer draws from them.
 */
export const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype", "isPrototypeOf", "__defineGetter__"] as const;
export const prototypeName: fc.Arbitrary<string> = fc.constantFrom(...PROTOTYPE_NAMES);

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes the UTF-8 bytes of `text` (lone surrogates become U+FFFD, as encodeURIComponent would throw). */
export function percentEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

// Printable ASCII that Node's client and llhttp accept raw in a request target but that parsers may trip on.
const RAW_QUERY_CHARS = [..."!$'()*+,;:@/?=&[]{}|^\"<>\\`~-._", ..."azAZ09"];
const RAW_PATH_CHARS = [..."!$'()*+,;:@=&[]{}|^\"<>\\`~-._", ..."azAZ09"];

/** Any string: ASCII, full Unicode (lone surrogates included), graphemes, control characters. */
export const anyString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: "grapheme", maxLength }),
    fc.string({ unit: fc.constantFrom("\u0000", "\u0001", "\n", "\r", "\t", "\u200b", "\u202e", "\ufeff", "\ud800", "'", "\"", "<", "\\"), maxLength: 8 }),
  );

/** A long string (1 KB to 70 KB): limits, truncation, storage of big values. */
export const hugeString: fc.Arbitrary<string> = fc
  .record({ unit: fc.constantFrom("a", "é", "😀", "\u0000", "<script>", "%ZZ", " "), count: fc.integer({ min: 1_000, max: 70_000 }) })
  .map(({ unit, count }) => unit.repeat(Math.ceil(count / unit.length)));

/** A value of a JSON type a schema did not ask for. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(""),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  anyString(20),
);

/** Mostly the valid value, otherwise a wrong type or a huge string. */
export function nearly(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: hugeString });
}

/** Fields the server must ignore or refuse: privilege, identity and prototype keys among random ones. */
const extraFields: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof(fc.constantFrom("role", "id", "userId", "emailVerified", "createdAt", "isAdmin"), prototypeName, fc.string({ maxLength: 12 })),
  fc.oneof(fc.constantFrom<unknown>("admin", true, 1, "00000000-0000-0000-0000-000000000000"), fc.jsonValue({ maxDepth: 2 })),
  { maxKeys: 4 },
);

/**
 * An object close to a schema: each field nearly valid, fields sometimes missing, sometimes extra ones.
 * `fields` are the valid values.
 */
export function nearObject(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const near = Object.fromEntries(Object.entries(fields).map(([key, valid]) => [key, nearly(valid)]));
  const object = fc.oneof({ weight: 4, arbitrary: fc.record(near) }, { weight: 1, arbitrary: fc.record(near, { requiredKeys: [] }) });
  return fc
    .tuple(object, fc.option(extraFields, { freq: 3 }))
    .map(([base, extra]) => (extra ? Object.assign(Object.create(null) as Record<string, unknown>, extra, base) : base));
}

/** A query value: well encoded, raw punctuation with broken escapes, a known value, or kilobytes long. */
export function queryValue(known?: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const broken = fc
    .array(fc.oneof(fc.constantFrom(...BAD_ESCAPES), fc.constantFrom(...RAW_QUERY_CHARS), fc.string({ maxLength: 4 }).map(percentEncode)), { maxLength: 8 })
    .map((parts) => parts.join(""));
  const huge = fc
    .record({ unit: fc.constantFrom("A", "%ZZ", "%C3%A9", "%C3%28", "&a=", "x"), count: fc.integer({ min: 500, max: 2_500 }) })
    .map(({ unit, count }) => unit.repeat(count));
  return fc.oneof(
    { weight: 3, arbitrary: anyString(30).map(percentEncode) },
    { weight: 3, arbitrary: broken },
    { weight: known ? 4 : 0, arbitrary: (known ?? fc.constant("")).map(percentEncode) },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: prototypeName.map(percentEncode) },
  );
}

/** A query string: known parameters (often repeated) and random ones, broken escapes, huge values, odd separators. */
export function queryString(known: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<string> {
  const names = Object.keys(known);
  const key = fc.oneof(
    { weight: names.length ? 8 : 0, arbitrary: fc.constantFrom(...(names.length ? names : ["_"])) },
    { weight: 4, arbitrary: queryValue() },
    { weight: 1, arbitrary: prototypeName },
  );
  const pair = key.chain((name) =>
    fc.oneof(
      { weight: 8, arbitrary: queryValue(Object.hasOwn(known, name) ? known[name] : undefined).map((value) => `${name}=${value}`) },
      { weight: 1, arbitrary: fc.constant(name) },
      { weight: 1, arbitrary: fc.constant(`${name}=`) },
    ),
  );
  return fc
    .tuple(fc.array(pair, { maxLength: 8 }), fc.nat({ max: 5 }), fc.constantFrom("?", "?", "?", "?&", "??", "?;"))
    .map(([pairs, repeatFirst, lead]) => {
      if (!pairs.length) return lead === "?" ? "" : lead;
      const repeated = [...Array<string>(repeatFirst).fill(pairs[0]!), ...pairs];
      // Stays well under Node's 16 KiB header limit, so what is tested is the app and not llhttp's 431.
      return `${lead}${repeated.join("&")}`.slice(0, 6_000);
    });
}

/** A path segment: a name, random characters, or broken escapes. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/) },
  { weight: 2, arbitrary: anyString(20).map(percentEncode) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...BAD_ESCAPES), fc.constantFrom(...RAW_PATH_CHARS)), { minLength: 1, maxLength: 6 }).map((p) => p.join("")) },
  { weight: 1, arbitrary: fc.constantFrom("..", ".", "", "%2e%2e", "%2F", "..%2F..%2Fetc%2Fpasswd") },
  { weight: 2, arbitrary: prototypeName },
);

/** A header value Node's client sends as is: tab, printable ASCII and Latin-1 (as raw bytes). */
export const headerValue = (maxLength = 60): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
      { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.constant("\t") },
    ),
    maxLength,
  });

/** An application/x-www-form-urlencoded body from fields: well encoded, or with broken escapes, repeats and huge values. */
export function formBody(fields: fc.Arbitrary<Array<[string, string]>>): fc.Arbitrary<string> {
  const encoded = fields.map((pairs) => pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join("&"));
  const broken = fc
    .tuple(fields, fc.constantFrom(...BAD_ESCAPES), fc.nat({ max: 3 }))
    .map(([pairs, bad, repeat]) => [...pairs, ...Array<[string, string]>(repeat).fill(pairs[0] ?? ["email", "x"])].map(([k, v]) => `${k}=${percentEncode(v)}${bad}`).join("&"));
  const odd = fc.constantFrom("", "&&&", "=", "email", "email=&password=", "email=a%40b.example&email=c%40d.example&password=x", "+=+&%3D=%26", "a=1;b=2");
  const huge = fc.integer({ min: 10_000, max: 60_000 }).map((n) => `email=fuzz%40example.com&password=${"p".repeat(n)}`);
  return fc.oneof({ weight: 8, arbitrary: encoded }, { weight: 2, arbitrary: broken }, { weight: 1, arbitrary: odd }, { weight: 1, arbitrary: huge });
}
