import { ValidationError } from '../errors';
import type { PatternProblem } from './validatePattern';

/** Thrown by `compilePattern` for a pattern EventBridge would refuse; carries every problem found. */
export class InvalidPatternError extends ValidationError {
  constructor(problems: readonly PatternProblem[]) {
    super('Invalid event pattern', [...problems]);
    this.name = 'InvalidPatternError';
  }
}
