import { type AutomationFlow, AutomationFlowSchema } from './AutomationFlow';
import { isRecord } from './JsonObject';
import { formatProblemPath, joinProblemPath, parseWithProblems, type ValidationProblem } from './ValidationProblem';

/**
 * Checks the syntax of one EventBridge content pattern; returns its problems with paths
 * relative to the pattern. Provided by the pattern module and injected, so that the flow
 * schema does not own pattern semantics.
 */
export type PatternValidator = (pattern: unknown) => { path: string; message: string }[];

export interface ParseFlowOptions {
  readonly validatePattern?: PatternValidator;
}

export type ParseFlowResult =
  | { readonly ok: true; readonly flow: AutomationFlow }
  | { readonly ok: false; readonly problems: ValidationProblem[] };

/**
 * Validates a flow document as it arrives (API body, file) and returns the normalised flow
 * (defaults applied, tolerated spec defects rewritten, `$schema` dropped) or every problem
 * found, each with its path.
 */
export function parseFlow(input: unknown, opts: ParseFlowOptions = {}): ParseFlowResult {
  const parsed = parseWithProblems(AutomationFlowSchema, input);
  const problems = parsed.ok ? [] : [...parsed.problems];
  if (opts.validatePattern) problems.push(...checkFilterPatterns(input, opts.validatePattern));
  if (!parsed.ok || problems.length > 0) return { ok: false, problems };
  const { $schema: _editorHint, ...flow } = parsed.data;
  return { ok: true, flow };
}

/** The parts of an entity_operation filter_config that are EventBridge patterns. */
const PATTERN_PARTS: readonly (readonly string[])[] = [['operation', 'payload'], ['operation', 'diff'], ['activity']];

/** Runs the pattern validator on every filter pattern of the (raw) flow, with problem paths from the flow root. */
export function checkFilterPatterns(input: unknown, validatePattern: PatternValidator): ValidationProblem[] {
  if (!isRecord(input) || !Array.isArray(input.triggers)) return [];
  const problems: ValidationProblem[] = [];
  input.triggers.forEach((trigger: unknown, i) => {
    if (!isRecord(trigger) || trigger.type !== 'entity_operation' || !isRecord(trigger.configuration)) return;
    const filterConfig = trigger.configuration.filter_config;
    for (const part of PATTERN_PARTS) {
      const pattern = part.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), filterConfig);
      if (!isRecord(pattern)) continue;
      const base = formatProblemPath(['triggers', i, 'configuration', 'filter_config', ...part]);
      let found: { path: string; message: string }[];
      try {
        found = validatePattern(pattern);
      } catch (error) {
        found = [{ path: '', message: `could not be checked: ${error instanceof Error ? error.message : String(error)}` }];
      }
      for (const problem of found) problems.push({ path: joinProblemPath(base, problem.path), message: problem.message });
    }
  });
  return problems;
}
