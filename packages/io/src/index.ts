export { UserError, isUserError } from './user-error.js';
export { readJsonFile, parseJsonText, describeFsError } from './json-file.js';
export { atomicWriteFile, atomicWriteJson, checkOutputFile } from './atomic-write.js';
export { removeOnExit, removeStaleTemps, tempPrefix } from './exit-cleanup.js';
export { runCli } from './run-cli.js';
export {
  parseCommandLine,
  helpText,
  integerOption,
  positiveNumberOption,
  choiceOption,
  nonEmptyOption,
  orList,
  flagName,
  type CommandLike,
  type CommandOutput,
  type ParseOutcome,
} from './command-line.js';
export { issuePath, schemaErrorLine, type SchemaIssue } from './schema-issue.js';
