export { onlyfansSettings, type OnlyFansSettings } from "./config";
export { ONLYFANS_CONSENT_VERSION, ONLYFANS_CONSENT_POINTS } from "./consent";
export { readOnlyFansStatus, startOnlyFansLogin, submitOnlyFansCode, disconnectOnlyFans, ONLYFANS_STATUSES, type OnlyFansStatus, type OnlyFansStatusView, type OnlyFansDeps } from "./connect";
export { isOnlyFansEnabled, setOnlyFansSwitch, readOnlyFansSwitch } from "./kill-switch";
export { startOnlyFansWorker, syncJitterMs, type OnlyFansWorker, type OnlyFansWorkerDeps } from "./worker";
export { readOnlyFansSessionStates } from "./session-states";
export { clearAttempt as forgetOnlyFansLoginAttempt } from "./login-state";
export { ERROR_MESSAGES as ONLYFANS_ERROR_MESSAGES, DISABLED_MESSAGE as ONLYFANS_DISABLED_MESSAGE, type OnlyFansErrorCode } from "./messages";
