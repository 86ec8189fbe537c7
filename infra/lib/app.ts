// The whole production: one set of stacks per stage, checked by cdk-nag's AwsSolutions rules at synthesis.
// Environment-agnostic (no account or region, no lookups), so `cdk synth` runs offline; deployed to AWS_REGION
// (src/ops/aws-names.ts).
import { Validations, type App } from "aws-cdk-lib";
import { STAGES, webTierFromContext, type StageName, type WebTier } from "./config";
import { DataStack } from "./data-stack";
import { AwsSolutionsChecks } from "./nag";

export interface HuntazeStacks {
  data: DataStack;
}

export interface HuntazeApp {
  webTier: WebTier;
  stages: Record<StageName, HuntazeStacks>;
}

export function buildHuntaze(app: App, options: { webTier?: WebTier } = {}): HuntazeApp {
  const webTier = options.webTier ?? webTierFromContext(app.node.tryGetContext("webTier"));
  const stages = {} as Record<StageName, HuntazeStacks>;
  for (const config of Object.values(STAGES)) {
    const { stacks: names } = config.names;
    const data = new DataStack(app, names.data, { config, description: `Huntaze ${config.stage}: network, Postgres, secrets, backup bucket` });
    stages[config.stage] = { data };
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { webTier, stages };
}
