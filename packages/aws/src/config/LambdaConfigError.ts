import { AutomationError, type ValidationProblem } from '@autoflow/core';

/**
 * Configuration is wrong: a function's environment (every problem under its variable's name)
 * or a deployment's settings (under `autoflow.<path>`).
 */
export class LambdaConfigError extends AutomationError {
  readonly problems: readonly ValidationProblem[];

  constructor(problems: readonly ValidationProblem[], subject = 'Lambda environment') {
    super('BAD_CONFIG', `invalid ${subject}: ${problems.map((p) => `${p.path || '(root)'} ${p.message}`).join('; ')}`);
    this.name = 'LambdaConfigError';
    this.problems = problems;
  }
}
