export {
  checkMigrationSql,
  checkMigrationsDir,
  checkRepositoryMigrations,
  CONTRACT_MARKER,
  formatVerdicts,
  isContractStep,
  type MigrationVerdict,
  type PreviousSchemaOf,
  type VerdictStatus,
} from "./check";
export { previousReleaseResolver, type PreviousSchema, type RepositoryLayout } from "./previous-release";
export { schemaNames, type SchemaNames } from "./prisma-names";
export { readSqlChanges, SqlParseError, type SchemaChange } from "./sql-changes";
