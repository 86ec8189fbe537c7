import { describe, expect, it } from "vitest";
import { parseEnv } from "@/src/config";
import { runAzureSmoke } from "./azure-smoke";

const env = (values: Record<string, string>) => parseEnv(values);

describe("Azure smoke probe without a reachable endpoint", () => {
  it("says disabled when the endpoint or key is absent", async () => {
    const report = await runAzureSmoke(env({}), "blue", "req-1");
    expect(report).toMatchObject({ status: "disabled", endpoint: null, deployment: "gpt-4o-mini", apiVersion: "2024-08-01-preview", requestId: "req-1" });
    expect((await runAzureSmoke(env({ AZURE_OPENAI_ENDPOINT: "https://x.openai.azure.com" }), "blue", "r")).status).toBe("disabled");
  });

  it("says misconfigured for a non-https endpoint or an api version of the wrong form, showing the host only", async () => {
    const plain = await runAzureSmoke(env({ AZURE_OPENAI_ENDPOINT: "http://x.openai.azure.com/path?sig=abc", AZURE_OPENAI_API_KEY: "k-secret" }), "blue", "r");
    expect(plain).toMatchObject({ status: "misconfigured", endpoint: "x.openai.azure.com", error: { code: "endpoint_not_https" } });
    expect(JSON.stringify(plain)).not.toMatch(/k-secret|sig=abc|\/path/);
    const version = await runAzureSmoke(env({ AZURE_OPENAI_ENDPOINT: "https://x.openai.azure.com", AZURE_OPENAI_API_KEY: "k", AZURE_OPENAI_API_VERSION: "latest" }), "blue", "r");
    expect(version).toMatchObject({ status: "misconfigured", error: { code: "unknown_api_version" } });
  });

  it("probes green with the secondary deployment and endpoint when asked", async () => {
    const report = await runAzureSmoke(env({ AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green" }), "green", "r");
    expect(report).toMatchObject({ status: "disabled", target: "green", deployment: "gpt-4o-mini-green" });
  });
});
