import { NonRetryableError, SendEmailConfigSchema, type SendEmailConfig } from '@autoflow/core';
import type { EmailTemplate, OutgoingEmail } from '../ports';
import type { ActionContext, ActionDeps, ActionHandler } from './ActionHandler';
import { parseActionConfig } from './parseActionConfig';
import { renderTemplateOrThrow } from './renderTemplateOrThrow';

// deliberately simple: one @, no whitespace or address-list punctuation, a dot in the domain
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;
const NAMED_ADDRESS = /^([^<>]*)<([^<>]+)>$/;

/**
 * send-email: renders a template (stored, `email_template_id`, or inline: `to`, `cc`, `bcc`,
 * `from`, `subject`, `html`, `text`; with both, inline fields override the stored template's)
 * over the trigger entity, the trigger and earlier outputs, and sends it through the email
 * port (SES v2 on AWS, the SES sink locally). epilot's other options (`language_code`,
 * `attachments`, `conditions`, `reply_to_sender`, …) are accepted and not used yet.
 * Recipient fields may hold several addresses separated by commas or semicolons; invalid ones
 * are dropped (and reported in `skipped_recipients`), and an email with no valid recipient at
 * all is a config error.
 */
export function createSendEmailHandler(deps: Pick<ActionDeps, 'config' | 'email' | 'settings'>): ActionHandler {
  return async (ctx) => {
    const config = parseActionConfig(SendEmailConfigSchema, ctx);
    const template = await loadTemplate(deps, ctx, config);
    const data = { ...ctx.entity, entity: ctx.entity, trigger: ctx.trigger, outputs: ctx.outputs };
    const plain = (field: string, value: string) => renderTemplateOrThrow(value, data, field, { escape: false });

    const skipped: string[] = [];
    const recipients = (field: 'to' | 'cc' | 'bcc'): string[] => {
      const raw = template[field];
      const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      const out: string[] = [];
      values.forEach((value, index) => {
        for (const candidate of splitAddresses(plain(Array.isArray(raw) ? `${field}[${index}]` : field, value))) {
          if (isValidAddress(candidate)) out.push(candidate);
          else skipped.push(candidate);
        }
      });
      return out;
    };
    const to = recipients('to');
    const cc = recipients('cc');
    const bcc = recipients('bcc');
    if (to.length + cc.length + bcc.length === 0) {
      throw new NonRetryableError('BAD_CONFIG', `Email has no valid recipient${skipped.length > 0 ? ` (invalid: ${skipped.join(', ')})` : ''}`, {
        info: { skipped_recipients: skipped },
      });
    }

    const from = template.from === undefined ? deps.settings.emailFrom : plain('from', template.from).trim() || deps.settings.emailFrom;
    if (!isValidAddress(from)) throw new NonRetryableError('BAD_CONFIG', `Sender address is not valid: ${from}`, { info: { from } });

    // a line break in a subject would be a header injection; SES would refuse it anyway
    const subject = plain('subject', template.subject).replace(/[\r\n]+/g, ' ').trim();
    const email: OutgoingEmail = { from, to, subject };
    if (cc.length > 0) email.cc = cc;
    if (bcc.length > 0) email.bcc = bcc;
    if (template.html !== undefined) email.html = renderTemplateOrThrow(template.html, data, 'html', { escape: true });
    if (template.text !== undefined) email.text = plain('text', template.text);
    if (skipped.length > 0) ctx.logger.warn('send-email skipped invalid recipients', { action_id: ctx.action.id, skipped });

    const { messageId } = await deps.email.send(email);
    return { outputs: { message_id: messageId, to, subject, ...(skipped.length > 0 ? { skipped_recipients: skipped } : {}) } };
  };
}

async function loadTemplate(deps: Pick<ActionDeps, 'config'>, ctx: ActionContext, config: SendEmailConfig): Promise<Omit<EmailTemplate, 'id'>> {
  const inline = {
    ...(config.from === undefined ? {} : { from: config.from }),
    ...(config.to === undefined ? {} : { to: config.to }),
    ...(config.cc === undefined ? {} : { cc: config.cc }),
    ...(config.bcc === undefined ? {} : { bcc: config.bcc }),
    ...(config.html === undefined ? {} : { html: config.html }),
    ...(config.text === undefined ? {} : { text: config.text }),
  };
  if (config.email_template_id === undefined) return { ...inline, subject: config.subject ?? '' };

  const stored = await deps.config.getEmailTemplate(ctx.org_id, config.email_template_id);
  if (stored === undefined) {
    throw new NonRetryableError('BAD_CONFIG', `Email template ${config.email_template_id} does not exist`, {
      info: { email_template_id: config.email_template_id },
    });
  }
  const { id: _id, ...fields } = stored;
  const merged = { ...fields, ...inline, subject: config.subject ?? fields.subject };
  if (merged.html === undefined && merged.text === undefined) {
    throw new NonRetryableError('BAD_CONFIG', `Email template ${config.email_template_id} has neither html nor text`);
  }
  return merged;
}

/** Splits a recipient field on commas and semicolons; blanks are dropped. */
export function splitAddresses(value: string): string[] {
  return value
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** `someone@example.com` or `Some One <someone@example.com>`. */
export function isValidAddress(value: string): boolean {
  if (/[\r\n\0]/.test(value)) return false;
  const named = NAMED_ADDRESS.exec(value.trim());
  const address = named?.[2] ?? value;
  return address.length <= 254 && ADDRESS.test(address.trim());
}
