import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The longest files, longest first: started first, they run beside the rest instead of alone at the end. Vitest
// orders by the durations it cached on the last run, which a fresh clone (CI) does not have. The drill (three
// servers cold-starting over and over) goes last, after the fuzzer: run together on two cores, the fuzzed server's event
// loop was once starved past Redis's 2 s command timeout (most likely), and a fail-closed rate limit answered 503.
const SLOWEST_FIRST = ["e2e/fuzz.test.ts", "e2e/ui-journeys.test.ts", "e2e/onlyfans-journey.test.ts", "e2e/social-connect.test.ts", "e2e/secret-rotation.test.ts"];
const LAST = ["e2e/serverless-drill.test.ts"];

export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const path = relative(file.project.config.root, file.moduleId);
      if (LAST.includes(path)) return SLOWEST_FIRST.length + 1;
      const index = SLOWEST_FIRST.indexOf(path);
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    // Stable: within a group (the node project, then e2e) the rest keeps Vitest's order.
    return sorted.sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b));
  }
}
