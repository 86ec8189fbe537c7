import { z } from "zod";
import { describe, expect, it } from "vitest";
import { AppError } from "@/src/errors";
import { readJsonBody } from "./json-body";
import { isJsonMediaType } from "@/src/edge/media-type";

const post = (contentType: string | undefined, body = '{"text":"hi"}') =>
  new Request("http://localhost/api/ai/drafts", { method: "POST", headers: contentType === undefined ? {} : { "content-type": contentType }, body });
const schema = z.object({ text: z.string() });

async function refusal(request: Request): Promise<AppError> {
  const error = await readJsonBody(request, schema).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the JSON body's media type", () => {
  it("accepts application/json in any case, with parameters such as charset", async () => {
    for (const type of ["application/json", "APPLICATION/JSON", "application/json; charset=utf-8", "application/json;charset=UTF-8", " application/json "]) {
      expect(await readJsonBody(post(type), schema), type).toEqual({ text: "hi" });
    }
  });

  it("refuses with 415 a type that only mentions application/json, which a cross-site form or fetch can send without a preflight", async () => {
    for (const type of ["text/plain; x=application/json", "text/plain;application/json", "application/json, text/plain", "application/jsonp", "application/vnd.api+json", "multipart/form-data; boundary=application/json"]) {
      const error = await refusal(post(type));
      expect([error.status, error.code], type).toEqual([415, "unsupported_media_type"]);
    }
  });

  it("refuses a body without a content type", async () => {
    expect((await refusal(post(undefined))).status).toBe(415);
  });

  it("names only application/json itself", () => {
    expect(isJsonMediaType("application/json; charset=utf-8")).toBe(true);
    expect(isJsonMediaType("application/problem+json")).toBe(false);
    expect(isJsonMediaType("")).toBe(false);
    expect(isJsonMediaType(null)).toBe(false);
  });
});
