import { instagramAdapter } from "./instagram/adapter";
import type { Provider } from "./oauth/provider-http";
import type { ProviderAdapter } from "./provider";
import { tiktokAdapter } from "./tiktok/adapter";

export const ADAPTERS: Record<Provider, ProviderAdapter> = { tiktok: tiktokAdapter, instagram: instagramAdapter };
export const PROVIDERS = Object.keys(ADAPTERS) as Provider[];

export function isProvider(value: string): value is Provider {
  return value in ADAPTERS;
}
