export { renderTemplate, TEMPLATE_CACHE_SIZE, validateTemplate } from './renderTemplate';
export type { RenderTemplateOptions } from './renderTemplate';
export { TemplateError } from './TemplateError';
export { TEMPLATE_HELPERS } from './templateHelpers';
export { DEFAULT_DATE_FORMAT, formatIsoDate } from './formatIsoDate';
export { LruCache } from './LruCache';
