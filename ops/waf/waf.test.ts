// The WAF files are `aws wafv2 ... --cli-input-json` inputs; nothing runs them before a deploy, so this test
// holds them to the WAFv2 API reference (CreateWebACL, PutLoggingConfiguration): required fields, allowed
// values and name patterns, with unknown keys refused so a misspelt field fails here and not in the console.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const read = (file: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, file), "utf8"));

// EntityName: ^[\w\-]+$, 1-128. MetricName: letters, digits, - and _, 1-128, not a name WAF reserves.
const entityName = z.string().regex(/^[\w-]{1,128}$/);
const metricName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/)
  .refine((name) => !["All", "Default_Action"].includes(name), "reserved by WAF");
const visibilityConfig = z.strictObject({ SampledRequestsEnabled: z.boolean(), CloudWatchMetricsEnabled: z.boolean(), MetricName: metricName });
const empty = z.strictObject({});

const byteMatch = z.strictObject({
  SearchString: z.string().min(1),
  FieldToMatch: z.strictObject({ UriPath: empty }),
  TextTransformations: z.array(z.strictObject({ Priority: z.number().int().min(0), Type: z.enum(["NONE", "LOWERCASE", "URL_DECODE", "COMPRESS_WHITE_SPACE"]) })).min(1),
  PositionalConstraint: z.enum(["EXACTLY", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "CONTAINS_WORD"]),
});

type Statement = { [kind: string]: unknown };
const statement: z.ZodType<Statement> = z.lazy(() =>
  z.union([
    z.strictObject({ ByteMatchStatement: byteMatch }),
    z.strictObject({ NotStatement: z.strictObject({ Statement: statement }) }),
    z.strictObject({ OrStatement: z.strictObject({ Statements: z.array(statement).min(2) }) }),
    z.strictObject({ AndStatement: z.strictObject({ Statements: z.array(statement).min(2) }) }),
  ]),
);

const rateBased = z.strictObject({
  Limit: z.number().int().min(10).max(2_000_000_000),
  EvaluationWindowSec: z.union([z.literal(60), z.literal(120), z.literal(300), z.literal(600)]),
  AggregateKeyType: z.enum(["IP", "FORWARDED_IP", "CUSTOM_KEYS", "CONSTANT"]),
  ScopeDownStatement: statement.optional(),
});
const managedRuleGroup = z.strictObject({
  VendorName: z.literal("AWS"),
  Name: z.enum(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesBotControlRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"]),
  Version: z.string().optional(),
  ManagedRuleGroupConfigs: z.array(z.strictObject({ AWSManagedRulesBotControlRuleSet: z.strictObject({ InspectionLevel: z.enum(["COMMON", "TARGETED"]), EnableMachineLearning: z.boolean().optional() }) })).optional(),
  RuleActionOverrides: z.array(z.strictObject({ Name: z.string(), ActionToUse: z.record(z.enum(["Allow", "Block", "Count", "Captcha", "Challenge"]), empty) })).optional(),
  ScopeDownStatement: statement.optional(),
});

// A managed group's own rules act; the web ACL can only leave them (None) or count them (Count): OverrideAction.
// A rule of ours acts itself: Action. The API refuses the other pairing.
const managedRule = z.strictObject({
  Name: entityName,
  Priority: z.number().int().min(0),
  Statement: z.strictObject({ ManagedRuleGroupStatement: managedRuleGroup }),
  OverrideAction: z.union([z.strictObject({ None: empty }), z.strictObject({ Count: empty })]),
  VisibilityConfig: visibilityConfig,
});
const ownRule = z.strictObject({
  Name: entityName,
  Priority: z.number().int().min(0),
  Statement: z.union([z.strictObject({ RateBasedStatement: rateBased }), statement]),
  Action: z.union([z.strictObject({ Block: empty }), z.strictObject({ Allow: empty }), z.strictObject({ Count: empty }), z.strictObject({ Captcha: empty }), z.strictObject({ Challenge: empty })]),
  VisibilityConfig: visibilityConfig,
});

const createWebAcl = z.strictObject({
  Name: entityName,
  Scope: z.enum(["CLOUDFRONT", "REGIONAL"]),
  Description: z.string().regex(/^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]$/).max(256).optional(),
  DefaultAction: z.union([z.strictObject({ Allow: empty }), z.strictObject({ Block: empty })]),
  VisibilityConfig: visibilityConfig,
  Rules: z.array(z.union([managedRule, ownRule])).min(1),
});

const putLoggingConfiguration = z.strictObject({
  LoggingConfiguration: z.strictObject({
    ResourceArn: z.string().regex(/^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/, "a CLOUDFRONT web ACL lives in us-east-1 under global/"),
    LogDestinationConfigs: z
      .array(z.string().regex(/^arn:aws:(s3:::aws-waf-logs-[a-z0-9.-]+|logs:us-east-1:\d{12}:log-group:aws-waf-logs-[\w.#/-]+|firehose:us-east-1:\d{12}:deliverystream\/aws-waf-logs-[\w.-]+)$/, "destination named aws-waf-logs-*"))
      .length(1),
    RedactedFields: z.array(z.union([z.strictObject({ SingleHeader: z.strictObject({ Name: z.string().min(1) }) }), z.strictObject({ UriPath: empty }), z.strictObject({ QueryString: empty }), z.strictObject({ Method: empty })])).optional(),
    LoggingFilter: z
      .strictObject({
        DefaultBehavior: z.enum(["KEEP", "DROP"]),
        Filters: z
          .array(
            z.strictObject({
              Behavior: z.enum(["KEEP", "DROP"]),
              Requirement: z.enum(["MEETS_ALL", "MEETS_ANY"]),
              Conditions: z.array(z.union([z.strictObject({ ActionCondition: z.strictObject({ Action: z.enum(["ALLOW", "BLOCK", "COUNT", "CAPTCHA", "CHALLENGE", "EXCLUDED_AS_COUNT"]) }) }), z.strictObject({ LabelNameCondition: z.strictObject({ LabelName: z.string() }) })])).min(1),
            }),
          )
          .min(1),
      })
      .optional(),
  }),
});

const webAcl = createWebAcl.parse(read("web-acl.json"));
const logging = putLoggingConfiguration.parse(read("logging-configuration.json")).LoggingConfiguration;
const managedRules = webAcl.Rules.filter((r): r is z.infer<typeof managedRule> => "OverrideAction" in r);
const managed = (name: string) => managedRules.find((r) => r.Statement.ManagedRuleGroupStatement.Name === name);

describe("WAF web ACL (ops/waf/web-acl.json)", () => {
  it("is a CloudFront-scope web ACL that allows what no rule blocks", () => {
    expect(webAcl.Scope).toBe("CLOUDFRONT");
    expect(webAcl.DefaultAction).toEqual({ Allow: {} });
  });

  it("gives every rule its own priority, name and CloudWatch metric", () => {
    const unique = (values: unknown[]) => new Set(values).size === values.length;
    expect(unique(webAcl.Rules.map((r) => r.Priority))).toBe(true);
    expect(unique(webAcl.Rules.map((r) => r.Name))).toBe(true);
    expect(unique([webAcl.VisibilityConfig.MetricName, ...webAcl.Rules.map((r) => r.VisibilityConfig.MetricName)])).toBe(true);
  });

  it("blocks an IP that sends more than the limit in 5 minutes, before the paid managed groups look at it", () => {
    const rate = webAcl.Rules.find((r) => "Action" in r && "RateBasedStatement" in r.Statement);
    expect(rate).toBeDefined();
    expect(rate!.Statement).toMatchObject({ RateBasedStatement: { EvaluationWindowSec: 300, AggregateKeyType: "IP" } });
    expect((rate as { Action: unknown }).Action).toEqual({ Block: {} });
    // Above the app's own widest limit (300/min per IP for /api/*, src/edge/rate-limit-policies.ts), so the WAF
    // only stops floods and never a client the app would have served.
    expect((rate!.Statement as { RateBasedStatement: { Limit: number } }).RateBasedStatement.Limit).toBeGreaterThan(300 * 5);
    expect(Math.min(...webAcl.Rules.map((r) => r.Priority))).toBe(rate!.Priority);
  });

  it("applies the AWS common rule set and Bot Control (common level) with their own actions", () => {
    const common = managed("AWSManagedRulesCommonRuleSet");
    const bots = managed("AWSManagedRulesBotControlRuleSet");
    expect(common?.OverrideAction).toEqual({ None: {} });
    expect(bots?.OverrideAction).toEqual({ None: {} });
    expect(bots?.Statement.ManagedRuleGroupStatement.ManagedRuleGroupConfigs).toEqual([{ AWSManagedRulesBotControlRuleSet: { InspectionLevel: "COMMON" } }]);
  });

  it("keeps Bot Control off the machine endpoints that curl, Prometheus and the smoke prober call", () => {
    const scope = JSON.stringify(managed("AWSManagedRulesBotControlRuleSet")?.Statement.ManagedRuleGroupStatement.ScopeDownStatement);
    expect(scope).toContain('"NotStatement"');
    for (const path of ["/api/health", "/api/metrics", "/api/ai/azure/smoke", "/api/kpi/"]) expect(scope).toContain(`"SearchString":"${path}"`);
  });

  it("refuses a window WAF does not offer and a misspelt field", () => {
    const broken = structuredClone(read("web-acl.json")) as { Rules: { Statement: { RateBasedStatement?: Record<string, unknown> } }[] };
    broken.Rules[0]!.Statement.RateBasedStatement!.EvaluationWindowSec = 900;
    expect(createWebAcl.safeParse(broken).success).toBe(false);
    broken.Rules[0]!.Statement.RateBasedStatement!.EvaluationWindowSec = 300;
    broken.Rules[0]!.Statement.RateBasedStatement!.AggregateKey = "IP";
    expect(createWebAcl.safeParse(broken).success).toBe(false);
  });
});

describe("WAF logging (ops/waf/logging-configuration.json)", () => {
  it("logs the web ACL above to a destination whose name starts with aws-waf-logs-", () => {
    expect(logging.ResourceArn).toContain(`/webacl/${webAcl.Name}/`);
    expect(logging.LogDestinationConfigs[0]).toMatch(/aws-waf-logs-/);
  });

  it("never writes the Authorization or Cookie header to the logs", () => {
    const redacted = (logging.RedactedFields ?? []).flatMap((f) => ("SingleHeader" in f ? [f.SingleHeader.Name.toLowerCase()] : []));
    expect(redacted).toEqual(expect.arrayContaining(["authorization", "cookie"]));
  });

  it("keeps the requests a rule acted on and drops the plain allowed ones", () => {
    expect(logging.LoggingFilter?.DefaultBehavior).toBe("DROP");
    const kept = logging.LoggingFilter?.Filters.filter((f) => f.Behavior === "KEEP").flatMap((f) => f.Conditions.flatMap((c) => ("ActionCondition" in c ? [c.ActionCondition.Action] : [])));
    expect(kept).toEqual(expect.arrayContaining(["BLOCK", "COUNT"]));
    expect(kept).not.toContain("ALLOW");
  });
});
