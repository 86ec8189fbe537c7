// `npm run ops:aws -- ids`: what oncall otherwise looks up in consoles before a release, a rollback or an
// invalidation: per stage its cluster's services and, in the private topology, its CloudFront distribution id; then
// the Amplify app's id and branches. Read-only calls.
import { STAGE_NAMES, stageResources, WEB_STACK_OUTPUTS, type StageName } from "./aws-names";
import { command, findAmplifyApp, region, text, type ReleaseWebTier } from "./release-pipeline";
import { fromStep, type OpsPlan, type PlanStep } from "./release-plan";

function stageIds(stage: StageName): PlanStep[] {
  const names = stageResources(stage);
  return [
    command(`${stage}: the CloudFront distribution id of the private web tier (${names.stacks.web} output ${WEB_STACK_OUTPUTS.distributionId})`, stage, "aws", [
      "cloudformation", "describe-stacks", "--stack-name", names.stacks.web, ...text(`Stacks[0].Outputs[?OutputKey=='${WEB_STACK_OUTPUTS.distributionId}'].OutputValue`), ...region,
    ], { tolerated: { stderrIncludes: "does not exist", meaning: `${stage} has no private web tier (Amplify serves it)` } }),
    // describe-services leaves a missing service (the web one, with Amplify) out of `services`, without an error.
    command(`${stage}: the services of cluster ${names.cluster} (name, status, running, desired)`, stage, "aws", [
      "ecs", "describe-services", "--cluster", names.cluster, "--services", names.workerService, names.onlyfansService, names.webService,
      "--query", "services[].[serviceName,status,runningCount,desiredCount]", "--output", "table", ...region,
    ], { tolerated: { stderrIncludes: "ClusterNotFoundException", meaning: `${stage} has no cluster: its workers stack is not deployed` } }),
  ];
}

/** The stages first (nothing there stops the plan), then Amplify, whose app must exist with the Amplify web tier. */
export function planIds(webTier: ReleaseWebTier): OpsPlan {
  const amplify: PlanStep[] =
    webTier === "amplify"
      ? [
          findAmplifyApp(),
          command("the Amplify app's branches (name, active job, last update)", undefined, "aws", ["amplify", "list-branches", "--app-id", fromStep("APP_ID"), "--query", "branches[].[branchName,activeJobId,updateTime]", "--output", "table", ...region]),
        ]
      : [{ kind: "note", title: "the Amplify app: none with --web-tier private" }];
  return { summary: "the ids oncall needs: each stage's services and distribution, the Amplify app and its branches", steps: [...STAGE_NAMES.flatMap(stageIds), ...amplify] };
}
