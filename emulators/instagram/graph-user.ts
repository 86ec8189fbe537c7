// Graph nodes for the logged-in account: GET /me (or /{user-id}), GET /me/media with cursor paging, and
// GET /{media-id}. Fields are projected exactly as requested; unknown fields are error #100.
import type { ServerResponse } from "node:http";
import type { EmulatorRequest } from "../shared";
import { answeredByFault, graphToken, MEDIA_FIELDS, USER_FIELDS, type InstagramContext } from "./contract";
import type { InstagramMedia } from "./options";
import { sendGraphData, sendGraphError } from "./replies";

const DEFAULT_PAGE = 25;
const MAX_PAGE = 100;

type FieldRequest = { name: string; sub: string[] };

/** Splits `a,b{c,d},e` at top-level commas: Graph's field-expansion syntax for `children{...}`. */
export function parseFieldList(value: string | null): FieldRequest[] | string {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of value ?? "") {
    if (ch === "{") depth += 1;
    if (ch === "}") depth -= 1;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  const fields: FieldRequest[] = [];
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    const match = /^(\w+)(?:\{([\w,]*)\})?$/.exec(raw);
    if (!match) return raw;
    fields.push({ name: match[1]!, sub: match[2] ? match[2].split(",").filter(Boolean) : [] });
  }
  return fields;
}

function unknownField(res: ServerResponse, field: string, nodeType: string): void {
  sendGraphError(res, 400, { message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`, code: 100 });
}

function requestedFields(req: EmulatorRequest, res: ServerResponse, known: readonly string[], nodeType: string) {
  const parsed = parseFieldList(req.query.get("fields"));
  if (typeof parsed === "string") {
    unknownField(res, parsed, nodeType);
    return undefined;
  }
  const unknown = parsed.find((f) => !known.includes(f.name) || (f.sub.length > 0 && f.name !== "children"));
  if (unknown) {
    unknownField(res, unknown.name, nodeType);
    return undefined;
  }
  // Graph returns just the id when no fields are asked for.
  return parsed.length > 0 ? parsed : [{ name: "id", sub: [] }];
}

export function handleMe(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  if (answeredByFault(ctx, "me", res, { id: ctx.config.user.id, username: ctx.config.user.username })) return;
  if (!graphToken(ctx, req, res)) return;
  const fields = requestedFields(req, res, USER_FIELDS, "User");
  if (!fields) return;
  const user = ctx.config.user as Record<string, unknown>;
  sendGraphData(res, Object.fromEntries(fields.map((f) => [f.name, user[f.name]])));
}

export function projectMedia(ctx: InstagramContext, item: InstagramMedia, fields: FieldRequest[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, sub } of fields) {
    if (name === "username") out.username = ctx.config.user.username;
    else if (name === "owner") out.owner = { id: ctx.config.user.id };
    else if (name === "children") {
      // Only carousels have children; Graph omits fields that do not apply rather than sending null.
      if (!item.children) continue;
      const childFields = sub.length > 0 ? sub : ["id"];
      out.children = {
        data: item.children.map((id) =>
          Object.fromEntries(
            childFields.map((f) => [f, { id, media_type: "IMAGE", media_url: `${ctx.baseUrl}/static/media-${id}.svg`, timestamp: item.timestamp }[f]]),
          ),
        ),
      };
    } else if (name in item && name !== "insights") out[name] = item[name as keyof InstagramMedia];
  }
  return out;
}

export function handleMediaNode(ctx: InstagramContext, item: InstagramMedia, req: EmulatorRequest, res: ServerResponse): void {
  if (answeredByFault(ctx, "media", res, { id: item.id })) return;
  if (!graphToken(ctx, req, res)) return;
  const fields = requestedFields(req, res, MEDIA_FIELDS, "Media");
  if (fields) sendGraphData(res, projectMedia(ctx, item, fields));
}

const encodeCursor = (id: string) => Buffer.from(`emu-media:${id}`).toString("base64url");
const decodeCursor = (cursor: string) => {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  return text.startsWith("emu-media:") ? text.slice("emu-media:".length) : undefined;
};

export function handleMediaList(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  if (answeredByFault(ctx, "media", res, { data: [{ id: "17800000000000000" }], paging: {} })) return;
  if (!graphToken(ctx, req, res)) return;
  const fields = requestedFields(req, res, MEDIA_FIELDS, "Media");
  if (!fields) return;
  const limitParam = req.query.get("limit");
  if (limitParam !== null && !/^[1-9]\d*$/.test(limitParam)) {
    sendGraphError(res, 400, { message: "(#100) Param limit must be a positive integer", code: 100 });
    return;
  }
  const limit = Math.min(limitParam ? Number(limitParam) : DEFAULT_PAGE, MAX_PAGE);
  const all = ctx.config.media;
  const after = req.query.get("after");
  const before = req.query.get("before");
  const anchorId = after ? decodeCursor(after) : before ? decodeCursor(before) : undefined;
  const anchor = anchorId === undefined ? -1 : all.findIndex((m) => m.id === anchorId);
  if ((after || before) && anchor < 0) {
    sendGraphError(res, 400, { message: "(#100) The after or before cursor is invalid", code: 100 });
    return;
  }
  const start = after ? anchor + 1 : before ? Math.max(0, anchor - limit) : 0;
  const end = before ? anchor : Math.min(all.length, start + limit);
  const page = all.slice(start, end);
  if (page.length === 0) {
    sendGraphData(res, { data: [] });
    return;
  }
  const link = (cursorName: "after" | "before", cursor: string) => {
    const params = new URLSearchParams(req.query);
    params.delete("after");
    params.delete("before");
    params.set("limit", String(limit));
    params.set(cursorName, cursor);
    return `${ctx.baseUrl}${req.path}?${params}`;
  };
  const first = encodeCursor(page[0]!.id);
  const last = encodeCursor(page.at(-1)!.id);
  // `next` is absent on the last page: that, not an empty page, is how a client knows it is done.
  const paging: Record<string, unknown> = { cursors: { before: first, after: last } };
  if (end < all.length) paging.next = link("after", last);
  if (start > 0) paging.previous = link("before", first);
  sendGraphData(res, { data: page.map((m) => projectMedia(ctx, m, fields)), paging });
}
