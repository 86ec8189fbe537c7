export { buildAccountExport, EXPORT_FORMAT_VERSION } from "./export";
export { exportPart, type ExportPart } from "./export-parts";
export { accountDeletionEvent, accountDeletionHandler, requestAccountDeletion, deletionStatus, type DeletionRequest } from "./deletion";
export { subjectHash } from "./subject";
