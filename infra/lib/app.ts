// The whole production: one set of stacks per stage, checked by cdk-nag's AwsSolutions rules at synthesis.
// Environment-agnostic (no account or region, no lookups), so `cdk synth` runs offline; deployed to AWS_REGION
// (src/oncall/aws-names.ts).
import { Validations, type App } from "aws-cdk-lib";
import { AMPLIFY_STACK, IMAGE_STACK } from "../../src/oncall/aws-names";
import { AmplifyStack } from "./amplify-stack";
import { STAGES, webTierFromContext, type StageName, type WebTier } from "./config";
import { DataStack } from "./data-stack";
import { ObservabilityStack } from "./observability-stack";
import { PrivateWebStack } from "./private-web-stack";
import { ImageStack, WorkerStack } from "./worker-stack";
import { AwsSolutionsChecks } from "./nag";

export interface HuntazeStacks {
  data: DataStack;
  observability: ObservabilityStack;
  workers: WorkerStack;
  /** The web tier on Fargate behind CloudFront (webTier "private"). */
  web?: PrivateWebStack;
}

export interface HuntazeApp {
  webTier: WebTier;
  stages: Record<StageName, HuntazeStacks>;
  /** The ECR repository of the one image, shared by both stages. */
  image: ImageStack;
  /** The Amplify app and its branches (webTier "amplify"). */
  amplify?: AmplifyStack;
}

/** The repository Amplify builds, `-c repository=...` (docs/DEPLOY.md). */
const DEFAULT_REPOSITORY = "https://github.com/huntaze/huntaze";

export function buildHuntaze(app: App, options: { webTier?: WebTier } = {}): HuntazeApp {
  const webTier = options.webTier ?? webTierFromContext(app.node.tryGetContext("webTier"));
  // References between stacks keep the producer from being deleted under its consumer (CDK's current default,
  // stated so it cannot change under us).
  app.node.setContext("@aws-cdk/core:defaultCrossStackReferences", "strong");
  const stages = {} as Record<StageName, HuntazeStacks>;
  const image = new ImageStack(app, IMAGE_STACK, { description: "Huntaze: the ECR repository of the one image (workers, private web tier), shared by both stages" });
  for (const config of Object.values(STAGES)) {
    const { stacks: names } = config.names;
    const data = new DataStack(app, names.data, { config, webTier, description: `Huntaze ${config.stage}: network, Postgres${webTier === "private" ? ", ElastiCache" : ""}, secrets, backup bucket` });
    const observability = new ObservabilityStack(app, names.observability, { config, description: `Huntaze ${config.stage}: alarms, their SNS topics, the canary, the dashboard` });
    const workers = new WorkerStack(app, names.workers, { config, data, image, description: `Huntaze ${config.stage}: ECS cluster, the workers, the migration and backup tasks` });
    stages[config.stage] = { data, observability, workers };
    if (webTier === "private") {
      const web = new PrivateWebStack(app, names.web, { config, data, description: `Huntaze ${config.stage}: the web tier on Fargate behind an internal load balancer, CloudFront and its web ACL` });
      web.addStackDependency(workers, "the service joins the workers' cluster, named in aws-names");
      stages[config.stage].web = web;
    }
  }
  const amplify =
    webTier === "amplify"
      ? new AmplifyStack(app, AMPLIFY_STACK, { stages: Object.values(STAGES), repository: String(app.node.tryGetContext("repository") ?? DEFAULT_REPOSITORY), description: "Huntaze web tier: the Amplify app, a branch per stage, its web ACL" })
      : undefined;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { webTier, stages, image, amplify };
}
