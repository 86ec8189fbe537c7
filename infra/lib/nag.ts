// cdk-nag is CommonJS built so that Node's ESM loader cannot see its named exports (tsx and vitest load this code
// as ESM): take them from its default export, typed as the package declares them.
import cdkNag from "cdk-nag";

export const { AwsSolutionsChecks } = cdkNag;
