import { NonRetryableError } from '../../src/errors';
import { renderTemplate, TemplateError, validateTemplate } from '../../src/templates';

describe('renderTemplate', () => {
  describe('rendering', () => {
    it('substitutes variables from the data', () => {
      expect(renderTemplate('Hello {{contact.first_name}}!', { contact: { first_name: 'Ada' } })).toBe('Hello Ada!');
    });

    it('renders missing values as nothing instead of failing', () => {
      expect(renderTemplate('Hello {{contact.first_name}}!', {})).toBe('Hello !');
    });

    it('HTML-escapes values by default', () => {
      expect(renderTemplate('<p>{{note}}</p>', { note: '<script>alert("x")</script>' })).toBe(
        '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
      );
    });

    it('leaves values as they are with escape: false, for subjects and plain text', () => {
      expect(renderTemplate('Re: {{subject}}', { subject: 'Tom & Jerry <3' }, { escape: false })).toBe('Re: Tom & Jerry <3');
    });

    it('caches escaped and plain compilations of the same template separately', () => {
      const data = { v: '&' };
      expect([renderTemplate('{{v}}', data), renderTemplate('{{v}}', data, { escape: false }), renderTemplate('{{v}}', data)]).toEqual([
        '&amp;',
        '&',
        '&amp;',
      ]);
    });

    it('supports block helpers that come with handlebars', () => {
      expect(renderTemplate('{{#each items}}{{this}},{{/each}}', { items: ['a', 'b'] })).toBe('a,b,');
    });
  });

  describe('helpers', () => {
    it.each([
      ['eq true', '{{#if (eq status "open")}}yes{{else}}no{{/if}}', { status: 'open' }, 'yes'],
      ['eq false', '{{#if (eq status "open")}}yes{{else}}no{{/if}}', { status: 'closed' }, 'no'],
      ['eq is strict', '{{#if (eq count "1")}}yes{{else}}no{{/if}}', { count: 1 }, 'no'],
      ['default with a value', '{{default nickname "friend"}}', { nickname: 'Ada' }, 'Ada'],
      ['default when missing', '{{default nickname "friend"}}', {}, 'friend'],
      ['default when empty text', '{{default nickname first "friend"}}', { nickname: '', first: 'Ada' }, 'Ada'],
      ['json', '{{{json order}}}', { order: { id: 1, items: ['a'] } }, '{"id":1,"items":["a"]}'],
      ['json is escaped in double braces', '{{json name}}', { name: 'A"B' }, '&quot;A\\&quot;B&quot;'],
      ['upper', '{{upper name}}', { name: 'ada' }, 'ADA'],
      ['lower', '{{lower name}}', { name: 'ADA' }, 'ada'],
      ['upper of missing', '{{upper name}}', {}, ''],
      ['date default format', '{{date created}}', { created: '2024-05-01T10:20:30Z' }, '2024-05-01'],
      ['date with format', '{{date created "DD.MM.YYYY HH:mm"}}', { created: '2024-05-01T10:20:30Z' }, '01.05.2024 10:20'],
      ['date converts offsets to UTC', '{{date created "YYYY-MM-DD HH:mm"}}', { created: '2024-05-01T01:00:00+02:00' }, '2024-04-30 23:00'],
      ['date with literal text', '{{date d "[Day] D, [of] M"}}', { d: '2024-03-05' }, 'Day 5, of 3'],
      ['date of garbage', '{{date created}}', { created: 'yesterday' }, ''],
      ['date of missing', '{{date created}}', {}, ''],
    ])('%s', (_name, template, data, expected) => {
      expect(renderTemplate(template, data, { escape: template.includes('json name') })).toBe(expected);
    });

    it('does not offer the console-writing log helper', () => {
      expect(() => renderTemplate('{{log "x"}}', {})).toThrow(TemplateError);
    });
  });

  describe('errors', () => {
    it('throws a TemplateError with the handlebars message and line on a syntax error', () => {
      let thrown: unknown;
      try {
        renderTemplate('line one\nline two {{#if x}} never closed', {});
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TemplateError);
      const error = thrown as TemplateError;
      expect(error).toBeInstanceOf(NonRetryableError);
      expect([error.code, error.retryable]).toEqual(['TEMPLATE_ERROR', false]);
      expect(error.line).toBe(2);
      expect(error.handlebarsMessage).toContain('Parse error on line 2');
      expect(error.message).toMatch(/^template error \(line 2\): Parse error/);
    });

    it('reads the line and column of mismatched blocks', () => {
      const error = validateTemplate('a\n{{#each items}}{{/if}}');
      expect(error.ok).toBe(false);
      expect(error.ok ? undefined : { line: error.error.line, message: error.error.handlebarsMessage }).toEqual({
        line: 2,
        message: "each doesn't match if - 2:3",
      });
    });

    it('throws a TemplateError for an unknown helper at render time', () => {
      const render = (): string => renderTemplate('{{shout name}}', { name: 'x' });
      expect(render).toThrow(TemplateError);
      expect(render).toThrow('template error: Missing helper: "shout"');
    });

    it('throws a TemplateError for a missing partial', () => {
      expect(() => renderTemplate('{{> footer}}', {})).toThrow(TemplateError);
    });

    it('accepts valid templates in validateTemplate', () => {
      expect(validateTemplate('{{#if a}}{{b}}{{/if}}')).toEqual({ ok: true });
    });
  });

  describe('prototype access', () => {
    it.each([
      '{{constructor.constructor}}',
      '{{this.constructor.name}}',
      '{{__proto__}}',
      '{{name.constructor}}',
      '{{lookup this "constructor"}}',
      '{{#with constructor}}{{name}}{{/with}}',
      '{{#with name.__proto__}}{{toString}}{{/with}}',
    ])('renders nothing for %s', (template) => {
      expect(renderTemplate(template, { name: 'x' })).toBe('');
    });

    it('does not run code through the known constructor payload', () => {
      const payload = [
        '{{#with "s" as |string|}}',
        '  {{#with "e"}}',
        '    {{#with split as |conslist|}}',
        '      {{this.pop}}{{this.push (lookup string.sub "constructor")}}{{this.pop}}',
        '      {{#with string.split as |codelist|}}',
        '        {{this.pop}}{{this.push "globalThis.__pwned = true;"}}{{this.pop}}',
        '        {{#each conslist}}{{#with (string.sub.apply 0 codelist)}}{{this}}{{/with}}{{/each}}',
        '      {{/with}}',
        '    {{/with}}',
        '  {{/with}}',
        '{{/with}}',
      ].join('\n');
      try {
        renderTemplate(payload, {});
      } catch {
        // refusing to render is as good as rendering nothing
      }
      expect((globalThis as Record<string, unknown>)['__pwned']).toBeUndefined();
    });

    it('does not write to the console when access is denied', () => {
      const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        renderTemplate('{{valueOf}}{{constructor}}{{__defineGetter__}}', {});
        expect(spy).not.toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
    });
  });
});
