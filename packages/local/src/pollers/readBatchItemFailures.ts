/**
 * How Lambda reads a function's response when ReportBatchItemFailures is on (same rules for SQS
 * and streams):
 * - `undefined`/`null`, an object without `batchItemFailures`, or `batchItemFailures` that is
 *   null or empty: the whole batch succeeded;
 * - a list of `{ itemIdentifier }` naming records of the batch: only those failed;
 * - anything else (not an object, `batchItemFailures` not a list, an entry that is not an object,
 *   an empty/null/missing `itemIdentifier`, or one that names no record of the batch): the
 *   response is invalid and the whole batch counts as failed.
 */
export type BatchItemFailuresReading =
  | { kind: 'success' }
  | { kind: 'partial'; failed: ReadonlySet<string> }
  | { kind: 'invalid'; reason: string };

export function readBatchItemFailures(response: unknown, identifiers: ReadonlySet<string>): BatchItemFailuresReading {
  if (response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'invalid', reason: 'the response is not an object' };
  }
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return { kind: 'success' };
  if (!Array.isArray(list)) return { kind: 'invalid', reason: 'batchItemFailures is not a list' };
  if (list.length === 0) return { kind: 'success' };

  const failed = new Set<string>();
  for (const [index, entry] of list.entries()) {
    if (typeof entry !== 'object' || entry === null) {
      return { kind: 'invalid', reason: `batchItemFailures[${index}] is not an object` };
    }
    const id = (entry as { itemIdentifier?: unknown }).itemIdentifier;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'invalid', reason: `batchItemFailures[${index}].itemIdentifier is missing or empty` };
    }
    if (!identifiers.has(id)) {
      return { kind: 'invalid', reason: `batchItemFailures[${index}].itemIdentifier ${id} is not in the batch` };
    }
    failed.add(id);
  }
  return { kind: 'partial', failed };
}
