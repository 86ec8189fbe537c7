export { prepareUserText, MAX_CONTEXT_CHARS, type PreparedInput } from "./input";
export { checkDraft, draftOutput, type Verdict, type CheckName } from "./output";
