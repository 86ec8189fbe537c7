import { describe, expect, it } from "vitest";
import { cleanAuthorizationCode } from "./oauth";
import { shortLivedTokenResponse } from "./schema";

describe("Instagram token endpoint replies", () => {
  it("accepts the documented wrapped form and the flat form alike", () => {
    const wrapped = shortLivedTokenResponse.parse({ data: [{ access_token: "IGQ1", user_id: 17841400000000000, permissions: "instagram_business_basic,instagram_business_manage_insights" }] });
    const flat = shortLivedTokenResponse.parse({ access_token: "IGQ1", user_id: "17841400000000000", permissions: ["instagram_business_basic"] });
    expect(wrapped).toEqual({ access_token: "IGQ1", user_id: "17841400000000000", permissions: ["instagram_business_basic", "instagram_business_manage_insights"] });
    expect(flat.user_id).toBe("17841400000000000");
  });

  it("strips the #_ Instagram appends to the code, and nothing else", () => {
    expect(cleanAuthorizationCode("AQBx123#_")).toBe("AQBx123");
    expect(cleanAuthorizationCode("AQBx123")).toBe("AQBx123");
  });
});
