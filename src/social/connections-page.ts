import { getPrisma } from "@/src/data";
import { ADAPTERS, isProvider, PROVIDERS } from "./adapters";
import type { ConnectResult } from "./connect-flow";
import { viewOf, type ConnectionView } from "./connections";
import type { Provider } from "./provider";

export const ENTRY_PATHS: Record<Provider, string> = { tiktok: "/api/auth/tiktok", instagram: "/auth/instagram" };

export async function connectionViews(userId: string): Promise<Array<ConnectionView & { label: string; connectPath: string }>> {
  const rows = await (await getPrisma()).socialConnection.findMany({ where: { userId } });
  return PROVIDERS.map((provider) => ({
    ...viewOf(provider, ADAPTERS[provider].isConfigured(), rows.find((r) => r.provider === provider)),
    label: ADAPTERS[provider].label,
    connectPath: ENTRY_PATHS[provider],
  }));
}

const RESULT_MESSAGES: Record<ConnectResult, { tone: "success" | "error"; text: (label: string) => string }> = {
  connected: { tone: "success", text: (l) => `${l} is connected.` },
  denied: { tone: "error", text: (l) => `You didn't give Huntaze access on ${l}, so nothing was connected. You can try again any time.` },
  invalid_state: { tone: "error", text: (l) => `That ${l} sign-in link was already used, expired or wasn't started here. Start again with Connect.` },
  expired: { tone: "error", text: (l) => `The ${l} sign-in took too long and expired. Start again with Connect.` },
  missing_code: { tone: "error", text: (l) => `${l} sent you back without a sign-in code. Start again with Connect.` },
  not_configured: { tone: "error", text: (l) => `${l} is not set up on this Huntaze deployment yet.` },
  taken: { tone: "error", text: (l) => `This ${l} account is already connected to another Huntaze account.` },
  rate_limited: { tone: "error", text: (l) => `${l} is limiting requests right now. Wait a few minutes, then try again.` },
  provider_error: { tone: "error", text: (l) => `${l} didn't answer as expected. Nothing was saved; try again in a moment.` },
  failed: { tone: "error", text: (l) => `Connecting ${l} failed on our side. Nothing was saved; try again in a moment.` },
};

/** The banner for `?provider=…&result=…` after a connect attempt; unknown values show nothing. */
export function resultMessage(provider: string | undefined, result: string | undefined) {
  if (!provider || !result || !isProvider(provider) || !Object.hasOwn(RESULT_MESSAGES, result)) return null;
  const entry = RESULT_MESSAGES[result as ConnectResult];
  return { tone: entry.tone, text: entry.text(ADAPTERS[provider as Provider].label) };
}
