// The alerting rules are code: promtool validates them and runs their unit tests, and every metric they read
// must be one the app exports (a renamed metric otherwise silences an alert without anyone noticing).
// promtool and amtool come from Debian's prometheus and prometheus-alertmanager packages (`npm test` installs them when missing: scripts/ensure-test-tools.sh).
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exportedMetricNames, metricNamesIn, readRuleFile, recordedNames } from "../metric-names";

const run = promisify(execFile);
const dir = import.meta.dirname;
const ruleFiles = [join(dir, "recording-rules.yml"), join(dir, "alert-rules.yml")];
const testFiles = readdirSync(join(dir, "tests"))
  .filter((f) => f.endsWith(".test.yml"))
  .map((f) => join(dir, "tests", f));
const alertmanagerConfig = join(dir, "..", "alertmanager", "alertmanager.yml");

const rules = ruleFiles.flatMap((path) => readRuleFile(path).groups.flatMap((g) => g.rules));
const alerts = rules.flatMap((r) => ("alert" in r ? [r] : []));

describe("Prometheus rules", () => {
  it("pass promtool check rules", async () => {
    const { stdout } = await run("promtool", ["check", "rules", ...ruleFiles]);
    expect(stdout.match(/SUCCESS/g)).toHaveLength(ruleFiles.length);
  });

  it("pass their promtool unit tests", async () => {
    const { stdout } = await run("promtool", ["test", "rules", ...testFiles]);
    expect(stdout).not.toContain("FAILED");
    expect(stdout.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  }, 60_000); // several simulated days of series; slow on two busy cores

  it("have, for every alert, a unit test where it fires and one where it stays quiet", () => {
    const cases = testFiles.flatMap((path) => {
      const file = parse(readFileSync(path, "utf8")) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
      return file.tests.flatMap((t) => t.alert_rule_test ?? []);
    });
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert} fires in some test`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert} stays quiet in some test`).toBe(true);
    }
  });

  it("read only metrics the app exports, or series the recording rules create", () => {
    const known = new Set([...exportedMetricNames(), ...recordedNames(ruleFiles)]);
    const unknown = rules.flatMap((rule) => metricNamesIn(rule.expr).filter((name) => !known.has(name)).map((name) => `${name} in ${"alert" in rule ? rule.alert : rule.record}`));
    expect(unknown).toEqual([]);
    // The scanner must actually see the app's metrics, or the check above proves nothing.
    expect(rules.flatMap((r) => metricNamesIn(r.expr))).toEqual(expect.arrayContaining(["huntaze_http_requests_total", "huntaze_outbox_dead_letters"]));
  });

  it("label every alert page or ticket, with a summary and a runbook to open", () => {
    for (const alert of alerts) {
      expect(["page", "ticket"], alert.alert).toContain(alert.labels?.severity);
      const annotations = (alert as { annotations?: Record<string, string> }).annotations ?? {};
      expect(annotations.summary, alert.alert).toBeTruthy();
      expect(annotations.runbook ?? annotations.description, alert.alert).toBeTruthy();
    }
  });
});

describe("Alertmanager example", () => {
  it("passes amtool check-config", async () => {
    const { stdout } = await run("amtool", ["check-config", alertmanagerConfig]);
    expect(stdout).toContain("SUCCESS");
  });

  it("sends pages to the on-call channel and tickets to the alerts channel", async () => {
    const receiverFor = async (labels: string[]) =>
      (await run("amtool", ["config", "routes", "test", `--config.file=${alertmanagerConfig}`, ...labels])).stdout.trim();
    for (const alert of alerts) {
      const expected = alert.labels?.severity === "page" ? "slack-pages" : "slack-tickets";
      expect(await receiverFor([`alertname=${alert.alert}`, `severity=${alert.labels?.severity}`]), alert.alert).toBe(expected);
    }
  });

  it("reads the Slack webhook from a file, never inline", () => {
    const config = parse(readFileSync(alertmanagerConfig, "utf8")) as { global?: Record<string, unknown>; receivers: { name: string; slack_configs?: Record<string, unknown>[] }[] };
    expect(config.global?.slack_api_url).toBeUndefined();
    for (const receiver of config.receivers) {
      expect(receiver.slack_configs?.length, receiver.name).toBeGreaterThan(0);
      for (const slack of receiver.slack_configs ?? []) {
        expect(slack.api_url, receiver.name).toBeUndefined();
        expect(slack.api_url_file, receiver.name).toMatch(/^\//);
      }
    }
  });
});
