import { instagramAdapter } from "./instagram/adapter";
import type { Provider, ProviderAdapter } from "./provider";
import { tiktokAdapter } from "./tiktok/adapter";

export const ADAPTERS: Record<Provider, ProviderAdapter> = { tiktok: tiktokAdapter, instagram: instagramAdapter };
export const PROVIDERS = Object.keys(ADAPTERS) as Provider[];

/** Own keys only: `in` would also accept "toString" or "constructor" from the object's prototype. */
export function isProvider(value: string): value is Provider {
  return Object.hasOwn(ADAPTERS, value);
}
