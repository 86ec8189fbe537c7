// cdk-nag is CommonJS built so that Node's ESM loader cannot see its named exports (tsx and vitest load this code
// as ESM): take them from its default export, typed as the package declares them.
import { Validations } from "aws-cdk-lib";
import cdkNag from "cdk-nag";
import type { Construct } from "constructs";

export const { AwsSolutionsChecks } = cdkNag;

/** Accepts cdk-nag findings on a construct (and its children), each with the reason it is right here. */
export function acknowledge(construct: Construct, findings: ReadonlyArray<{ id: string; reason: string }>): void {
  for (const finding of findings) Validations.of(construct).acknowledge(finding);
}
