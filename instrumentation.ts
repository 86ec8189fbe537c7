// Runs once when a server instance starts. Node-only work lives in its own module (Next's documented pattern).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./src/startup/server");
}
