// The whole production: one set of stacks per stage, checked by cdk-nag's AwsSolutions rules at synthesis.
// Environment-agnostic (no account or region, no lookups), so `cdk synth` runs offline.
import { Validations, type App } from "aws-cdk-lib";
import { STAGES, type StageName } from "./config";
import { DataStack } from "./data-stack";
import { AwsSolutionsChecks } from "./nag";

export interface HuntazeStacks {
  data: DataStack;
}

export function buildHuntaze(app: App): Record<StageName, HuntazeStacks> {
  const stacks = {} as Record<StageName, HuntazeStacks>;
  for (const config of Object.values(STAGES)) {
    const prefix = `Huntaze-${config.stage}`;
    stacks[config.stage] = {
      data: new DataStack(app, `${prefix}-Data`, { config, description: `Huntaze ${config.stage}: network, Postgres, secrets, backup bucket` }),
    };
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stacks;
}
