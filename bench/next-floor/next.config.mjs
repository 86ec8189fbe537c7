// As Huntaze's own next.config.ts for what touches start-up: no preloading of every entry at boot.
const config = { experimental: { preloadEntriesOnStart: false } };

export default config;
