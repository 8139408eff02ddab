import { NonRetryableError, renderTemplate, TemplateError } from '@autoflow/core';

/**
 * Renders one template of an action's config. A template that fails will fail the same way on
 * every attempt, so TemplateError becomes NonRetryableError('TEMPLATE_ERROR') naming the field.
 */
export function renderTemplateOrThrow(template: string, data: unknown, field: string, options: { escape?: boolean } = {}): string {
  try {
    return renderTemplate(template, data, { escape: options.escape ?? false });
  } catch (err) {
    if (err instanceof TemplateError) {
      throw new NonRetryableError('TEMPLATE_ERROR', `Template in ${field} failed: ${err.message}`, { cause: err, info: { field } });
    }
    throw err;
  }
}
