export type { EventPattern, EventPatternField, MatchExpression, PatternScalar } from './EventPattern';
export { compilePattern } from './compilePattern';
export { matchesPattern } from './matchesPattern';
export { PatternSet } from './PatternSet';
export { validatePattern, type PatternProblem } from './validatePattern';
export { InvalidPatternError } from './InvalidPatternError';
