import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { defineRoute } from "@/src/http";
import { disconnectRoute } from "./disconnect-route";

const { DELETE } = defineRoute("/api/connections/[provider]", { DELETE: disconnectRoute });

// DELETE /api/connections/constructor answered 500 while the provider was looked up with `in`: the segment is
// checked before anything else (no session, no database), so a prototype name is a clean JSON 404.
describe("DELETE /api/connections/[provider] with a prototype name", () => {
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"])("answers %s with a JSON 404", async (provider) => {
    const request = new NextRequest(`http://localhost:3000/api/connections/${provider}`, { method: "DELETE" });
    const response = await DELETE(request, { params: Promise.resolve({ provider }) });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "unknown_provider", message: expect.any(String) } });
  });
});
