// What the LLM emulators answer: a deterministic short draft derived from the last user message, a JSON document
// that fits a requested JSON schema, or whatever a test set with setReply(). Token counts are a stable
// approximation (one word with its trailing space = one token) so usage figures, max_tokens cuts and stream deltas
// agree with each other run after run.

/** A reply a test chooses: fixed text, or text computed from the request the emulator received. */
export type ReplySource<R> = string | ((request: R) => string);

/** Replies chosen per target (an Azure deployment or an Anthropic model) with "*" as the catch-all. */
export class ReplyBook<R> {
  private replies = new Map<string, ReplySource<R>>();

  constructor(private readonly targets: () => readonly string[]) {}

  set(target: string, reply: ReplySource<R>): void {
    if (target !== "*" && !this.targets().includes(target)) {
      throw new Error(`unknown reply target "${target}"; known: ${this.targets().join(", ")}, *`);
    }
    if (typeof reply !== "string" && typeof reply !== "function") throw new Error("a reply is a string or a function");
    this.replies.set(target, reply);
  }

  /** The text chosen for `target`, or undefined when the emulator should generate its own. */
  textFor(target: string, request: R): string | undefined {
    const reply = this.replies.get(target) ?? this.replies.get("*");
    if (reply === undefined) return undefined;
    return typeof reply === "string" ? reply : String(reply(request));
  }

  clear(): void {
    this.replies.clear();
  }
}

/** Splits text into the emulator's tokens: each run of non-space characters with the spaces after it. */
export function tokenize(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export const countTokens = (text: string) => tokenize(text).length;

/** The first `maxTokens` tokens of `text`, and whether anything was cut. */
export function truncateToTokens(text: string, maxTokens: number): { text: string; truncated: boolean } {
  const tokens = tokenize(text);
  if (tokens.length <= maxTokens) return { text, truncated: false };
  return { text: tokens.slice(0, maxTokens).join("").trimEnd(), truncated: true };
}

/** Cuts `text` into about `parts` stream deltas along token boundaries (never an empty delta). */
export function streamDeltas(text: string, parts = 8): string[] {
  const tokens = tokenize(text);
  if (tokens.length === 0) return [];
  const size = Math.max(1, Math.ceil(tokens.length / parts));
  const deltas: string[] = [];
  for (let i = 0; i < tokens.length; i += size) deltas.push(tokens.slice(i, i + size).join(""));
  return deltas;
}

const STOPWORDS = new Set(
  (
    "about above after again also because been before being below between both could does doing down during each " +
    "from further have having here into just more most other over please same should some such than that their " +
    "them then there these they this those through under until very what when where which while with would write " +
    "your yours make give draft short caption post help want need like tell reply answer create using based"
  ).split(" "),
);

/** The word a draft is about: the first hashtag, else the first word of 4+ letters that is not a filler word. */
export function keywordOf(text: string): string {
  const hashtag = /#([\p{L}\p{N}_]{2,})/u.exec(text)?.[1];
  if (hashtag) return hashtag.toLowerCase();
  const words = (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).map((w) => w.replace(/'s$/, ""));
  return words.find((w) => w.length >= 4 && !STOPWORDS.has(w)) ?? words.sort((a, b) => b.length - a.length)[0] ?? "your content";
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The default reply: a short creator-style draft that names the keyword of the last user message. */
export function draftReply(lastUserMessage: string): string {
  const keyword = keywordOf(lastUserMessage);
  return (
    `Here is a short draft about ${keyword}: ${capitalize(keyword)} lands best when you show it instead of ` +
    `describing it. Share one honest moment, add a clear call to action, and invite your audience to reply.`
  );
}

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

function resolveRef(root: Schema, ref: string): Schema | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = match ? root[match[1]!] : undefined;
  const target = isObject(defs) ? defs[match![2]!] : undefined;
  return isObject(target) ? target : undefined;
}

/**
 * A value that validates against a JSON schema, built from the keyword: every required property (or every property
 * when none is marked required), strings that name the property and the keyword, the first enum value, minimum
 * numbers, one array item. Covers the subset structured outputs allow ($ref to $defs included).
 */
export function jsonFromSchema(schema: unknown, keyword: string, name = "value", root?: Schema, depth = 0): unknown {
  if (!isObject(schema) || depth > 8) return `${name} about ${keyword}`;
  const top = root ?? schema;
  if (typeof schema.$ref === "string") return jsonFromSchema(resolveRef(top, schema.$ref), keyword, name, top, depth + 1);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variants = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(variants) && variants.length > 0) {
    const chosen = variants.find((v) => !(isObject(v) && v.type === "null")) ?? variants[0];
    return jsonFromSchema(chosen, keyword, name, top, depth + 1);
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  const type = types.find((t) => t !== "null") ?? types[0] ?? (isObject(schema.properties) ? "object" : "string");
  switch (type) {
    case "object": {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : Object.keys(properties);
      return Object.fromEntries(required.map((key) => [key, jsonFromSchema(properties[key], keyword, key, top, depth + 1)]));
    }
    case "array": {
      const count = Math.max(1, typeof schema.minItems === "number" ? schema.minItems : 1);
      return Array.from({ length: count }, () => jsonFromSchema(schema.items, keyword, name, top, depth + 1));
    }
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default: {
      if (schema.format === "date-time") return "2026-01-01T00:00:00Z";
      if (schema.format === "date") return "2026-01-01";
      const text = `${name.replace(/_/g, " ")} about ${keyword}`;
      return typeof schema.maxLength === "number" ? text.slice(0, schema.maxLength) : text;
    }
  }
}

/** Text of the last `user` message ("" when there is none): what the generated replies and reply functions key on. */
export function lastUserText<T extends { role: string; content: unknown }>(messages: readonly T[], textOf: (content: T["content"]) => string): string {
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  return lastUser ? textOf(lastUser.content) : "";
}

/**
 * Cuts `text` at each stop sequence in turn (an empty one never matches); `stop` is the last one that cut, as
 * Anthropic reports it, or null.
 */
export function applyStopSequences(text: string, stops: readonly string[]): { text: string; stop: string | null } {
  let stop: string | null = null;
  for (const candidate of stops) {
    const at = candidate === "" ? -1 : text.indexOf(candidate);
    if (at >= 0) {
      text = text.slice(0, at);
      stop = candidate;
    }
  }
  return { text, stop };
}

/** Prompt tokens: each message's text plus a fixed framing cost per message, on top of a fixed overhead. */
export function countPromptTokens(texts: readonly string[], perMessage: number, overhead: number): number {
  return texts.reduce((sum, text) => sum + countTokens(text) + perMessage, overhead);
}
