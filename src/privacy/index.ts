export { buildAccountExport, EXPORT_FORMAT_VERSION, type AccountExport } from "./export";
export { accountDeletionEvent, accountDeletionHandler, requestAccountDeletion, deletionStatus, type DeletionRequest } from "./deletion";
export { subjectHash } from "./subject";
