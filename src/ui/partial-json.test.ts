import { describe, expect, it } from "vitest";
import { partialJsonString } from "./partial-json";

describe("reading a draft while it streams", () => {
  it("shows what has arrived of the draft field, unescaped", () => {
    expect(partialJsonString('{"draft": "Hel', "draft")).toBe("Hel");
    expect(partialJsonString('{"draft":"Line one\\nLine \\"two\\"', "draft")).toBe('Line one\nLine "two"');
    expect(partialJsonString('{"draft":"caf\\u00e9 time"}', "draft")).toBe("café time");
    expect(partialJsonString('{"dra', "draft")).toBe("");
    expect(partialJsonString('{"draft":"ends with escape \\', "draft")).toBe("ends with escape ");
  });
});
