import { NonRetryableError } from '../errors';

/**
 * A template that cannot be compiled or rendered (syntax error, missing partial or helper).
 * Retrying never fixes it, so it is a NonRetryableError with code `TEMPLATE_ERROR`; callers
 * that normalise errors (toAutomationError) keep it as it is instead of retrying it.
 */
export class TemplateError extends NonRetryableError {
  /** The message handlebars gave, without our prefix. */
  readonly handlebarsMessage: string;
  /** 1-based line of the error in the template, when handlebars reports one. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(handlebarsMessage: string, location: { line?: number; column?: number } = {}, options: { cause?: unknown } = {}) {
    const where = location.line === undefined ? '' : ` (line ${location.line})`;
    super('TEMPLATE_ERROR', `template error${where}: ${handlebarsMessage}`, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      info: { ...location },
    });
    this.name = 'TemplateError';
    this.handlebarsMessage = handlebarsMessage;
    this.line = location.line;
    this.column = location.column;
  }

  /** Wraps whatever handlebars threw, reading the line from its fields or its message. */
  static from(error: unknown): TemplateError {
    if (error instanceof TemplateError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const fields = (typeof error === 'object' && error !== null ? error : {}) as { lineNumber?: unknown; column?: unknown };
    const line =
      typeof fields.lineNumber === 'number' ? fields.lineNumber : Number(/line (\d+)/.exec(message)?.[1] ?? Number.NaN);
    const column = typeof fields.column === 'number' ? fields.column : undefined;
    return new TemplateError(
      message,
      { ...(Number.isFinite(line) ? { line } : {}), ...(column === undefined ? {} : { column }) },
      { cause: error },
    );
  }
}
