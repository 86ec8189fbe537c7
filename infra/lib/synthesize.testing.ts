// For the infra tests: the whole app of one topology, synthesized once per test file into a scratch directory,
// with cdk-nag's checks. A synthesis that throws (an unacknowledged finding, an invalid template) is kept for the
// test that says so, and the stacks stay readable for the others.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { buildHuntaze, type HuntazeApp } from "./app";
import type { WebTier } from "./config";

export interface Synthesized {
  huntaze: HuntazeApp;
  /** What app.synth() threw, if anything: cdk-nag prints each finding it fails on. */
  synthError: unknown;
  /** Removes the scratch directory (call it in afterAll). */
  remove(): void;
}

export function synthesize(webTier: WebTier): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), `huntaze-cdk-${webTier}-`));
  const app = new App({ outdir });
  const huntaze = buildHuntaze(app, { webTier });
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  return { huntaze, synthError, remove: () => rmSync(outdir, { recursive: true, force: true }) };
}
