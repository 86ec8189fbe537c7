// `npm run infra:synth` (cdk synth): the CloudFormation templates of every stack into infra/cdk.out.
import { App } from "aws-cdk-lib";
import { buildHuntaze } from "../lib/app";

const app = new App();
buildHuntaze(app);
app.synth();
