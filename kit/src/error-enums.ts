import { ErrorReason } from './contracts/error-reasons';
import { ERROR_CODE_DESCRIPTIONS } from './errors';

function enumSdl(name: string, description: string, values: Record<string, string>): string {
  const lines = Object.entries(values).map(([value, meaning]) => `  """${meaning}"""\n  ${value}`);
  return `"""${description}"""\nenum ${name} {\n${lines.join('\n')}\n}`;
}

/**
 * The error contract as schema types (docs/api-conventions.md §3), in every subgraph's SDL so
 * that generated clients can switch on `extensions.code` and `extensions.reason`. No field
 * returns them: errors travel in the response's `errors`, not in `data`.
 */
export const ERROR_ENUMS_SDL = [
  enumSdl(
    'ErrorCode',
    "What `extensions.code` of an error may be. Every root field's description ends with the codes it raises.",
    ERROR_CODE_DESCRIPTIONS,
  ),
  enumSdl('ErrorReason', 'What `extensions.reason` of an error may be: which refusal, beside its code.', ErrorReason),
].join('\n');
