export { onboardingChecklist, type OnboardingChecklist, type OnboardingStep, type OnboardingStepId } from "./checklist";
