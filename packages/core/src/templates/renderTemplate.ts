import Handlebars from 'handlebars';
import { LruCache } from './LruCache';
import { TEMPLATE_HELPERS } from './templateHelpers';
import { TemplateError } from './TemplateError';

export const TEMPLATE_CACHE_SIZE = 500;

export interface RenderTemplateOptions {
  /** HTML-escape values (default). Turn off for plain text: subjects, SMS, mapped values. */
  readonly escape?: boolean;
}

// An isolated environment: helpers registered here never leak into (or come from) the global
// Handlebars instance other code may use.
const environment = Handlebars.create();
// The built-in `log` helper writes to the console; core does no I/O.
environment.unregisterHelper('log');
environment.registerHelper(TEMPLATE_HELPERS);

// Prototype access stays denied. Saying so explicitly (rather than relying on the default)
// also stops handlebars from logging a warning to the console for each denied property.
const RUNTIME_OPTIONS: RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};

type RuntimeOptions = Handlebars.RuntimeOptions;
type CompiledTemplate = Handlebars.TemplateDelegate;

const cache = new LruCache<string, CompiledTemplate>(TEMPLATE_CACHE_SIZE);

/**
 * Renders a handlebars template. Missing values render as nothing (`strict: false`); syntax
 * errors, missing partials and unknown helpers throw a TemplateError.
 */
export function renderTemplate(template: string, data: unknown, options: RenderTemplateOptions = {}): string {
  const compiled = compile(template, options.escape !== false);
  try {
    return compiled(data, RUNTIME_OPTIONS);
  } catch (error) {
    throw TemplateError.from(error);
  }
}

function compile(template: string, escape: boolean): CompiledTemplate {
  const key = `${escape ? 'html' : 'text'}:${template}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let compiled: CompiledTemplate;
  try {
    // handlebars compiles lazily; parsing first reports syntax errors here, not at first render
    const program = environment.parse(template);
    compiled = environment.compile(program, { strict: false, noEscape: !escape });
  } catch (error) {
    throw TemplateError.from(error);
  }
  cache.set(key, compiled);
  return compiled;
}

/** Whether a template is syntactically valid; for validating flows before they are saved. */
export function validateTemplate(template: string): { ok: true } | { ok: false; error: TemplateError } {
  try {
    compile(template, true);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: TemplateError.from(error) };
  }
}
