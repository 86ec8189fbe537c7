// `npm start` on a fresh clone: build once if there is no production build yet.
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";

if (!existsSync(".next/BUILD_ID")) {
  console.log("No production build found: running `next build` first.");
  execSync("npx next build", { stdio: "inherit" });
}
