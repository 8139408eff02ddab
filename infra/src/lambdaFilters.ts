import * as lambda from 'aws-cdk-lib/aws-lambda';

/** Lambda accepts this many filters per event source mapping (without a quota increase). */
const MAX_FILTERS = 5;
const MAX_PATTERN_LENGTH = 4096;

type Pattern = Record<string, unknown>;

/**
 * An event-source filter for Lambda. The shared definitions (DISPATCHER_STREAM_FILTER) use a
 * top-level `$or`, which EventBridge accepts but Lambda's filter-rule syntax does not list;
 * Lambda documents that it ORs the filters of one mapping, so each `$or` branch becomes a filter
 * of its own (fields outside the `$or` are added to every branch). The same records pass.
 */
export function lambdaFilters(pattern: Pattern): Array<{ [key: string]: unknown }> {
  const { $or, ...common } = pattern;
  const branches = $or === undefined ? [common] : (($or as Pattern[]).map((branch) => merge(common, branch)));
  if (branches.length > MAX_FILTERS) throw new Error(`a Lambda event source takes at most ${MAX_FILTERS} filters, this pattern needs ${branches.length}`);
  return branches.map((branch) => {
    if (JSON.stringify(branch).includes('"$or"')) throw new Error('only a top-level $or can be turned into Lambda filters');
    const filter = lambda.FilterCriteria.filter(branch);
    if (String(filter.pattern).length > MAX_PATTERN_LENGTH) throw new Error(`a Lambda filter pattern is at most ${MAX_PATTERN_LENGTH} characters`);
    return filter;
  });
}

function merge(a: Pattern, b: Pattern): Pattern {
  const out: Pattern = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (isObject(existing) && isObject(value)) out[key] = merge(existing, value);
    else throw new Error(`the $or branch and the rest of the pattern both constrain "${key}"`);
  }
  return out;
}

const isObject = (v: unknown): v is Pattern => typeof v === 'object' && v !== null && !Array.isArray(v);
