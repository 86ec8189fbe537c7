// The contract every route file gets from defineRoute (e2e/http-contract.test.ts checks a few routes end to end):
// the declared methods run, every other one is the JSON 405 with the true Allow header, OPTIONS lists the same.
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { metrics } from "@/src/observability";
import { defineRoute } from "./api-route";

const call = (handler: (request: NextRequest, context: { params: Promise<Record<string, never>> }) => Promise<Response>, method: string) =>
  handler(new NextRequest("http://localhost:3000/api/things", { method }), { params: Promise.resolve({}) });

const read = () => Response.json({ read: true });
const write = () => Response.json({ written: true }, { status: 201 });

describe("defineRoute", () => {
  it("answers an undeclared method with the JSON 405 and an Allow header of exactly the declared methods, HEAD with GET", async () => {
    const route = defineRoute("/api/things", { GET: read, POST: write });
    for (const method of ["PUT", "PATCH", "DELETE"] as const) {
      const response = await call(route[method], method);
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
      expect(await response.json()).toMatchObject({ error: { code: "method_not_allowed", message: "/api/things accepts GET, HEAD, POST only." } });
    }
  });

  it("refuses HEAD on a route without GET, and leaves it out of Allow", async () => {
    const route = defineRoute("/api/things", { POST: write });
    const response = await call(route.HEAD, "HEAD");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    expect((await call(route.OPTIONS, "OPTIONS")).headers.get("allow")).toBe("POST, OPTIONS");
  });

  it("answers OPTIONS with 204 and the same Allow header", async () => {
    const response = await call(defineRoute("/api/things", { DELETE: read }).OPTIONS, "OPTIONS");
    expect(response.status).toBe(204);
    expect(response.headers.get("allow")).toBe("DELETE, OPTIONS");
    expect(await response.text()).toBe("");
  });

  it("runs the declared handlers, HEAD through GET as Next would, each counted under the one pattern", async () => {
    const route = defineRoute("/api/things/[id]", { GET: read, POST: write });
    expect(route.HEAD).toBe(route.GET);
    expect(await (await call(route.GET, "GET")).json()).toEqual({ read: true });
    expect((await call(route.POST, "POST")).status).toBe(201);
    await call(route.PUT, "PUT");
    await call(route.OPTIONS, "OPTIONS");
    const counted = (await metrics().httpRequests.get()).values
      .filter((value) => value.labels.route === "/api/things/[id]")
      .map((value) => `${value.labels.method} ${value.labels.status}`);
    expect(counted.sort()).toEqual(["GET 200", "OPTIONS 204", "POST 201", "PUT 405"]);
  });
});
