import Handlebars from 'handlebars';
import { z } from 'zod';

/**
 * The syntax error of a handlebars template, condensed to one line, or undefined when the
 * template parses. Only the syntax is checked; helpers and variables are resolved when the
 * template is rendered.
 */
export function handlebarsSyntaxError(template: string): string | undefined {
  try {
    Handlebars.parse(template);
    return undefined;
  } catch (error) {
    const lines = (error instanceof Error ? error.message : String(error)).split('\n').filter((l) => l.trim() !== '');
    const first = lines[0] ?? 'unparseable';
    const last = lines.length > 1 ? lines[lines.length - 1] : undefined;
    return last && last !== first ? `${first.replace(/:$/, '')}: ${last}` : first;
  }
}

/** A string that is rendered with handlebars (`Hello {{entity.first_name}}`); its syntax is checked on save. */
export const HandlebarsTemplateSchema = z.string().superRefine((template, ctx) => {
  const error = handlebarsSyntaxError(template);
  if (error !== undefined) ctx.addIssue({ code: 'custom', message: `is not a valid handlebars template: ${error}` });
});
