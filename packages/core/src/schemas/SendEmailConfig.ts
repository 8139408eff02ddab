import { z } from 'zod';
import { HandlebarsTemplateSchema } from './HandlebarsTemplate';
import { isRecord } from './JsonObject';
import { REFINE_EVEN_IF_INVALID } from './ValidationProblem';

const recipients = (description: string) =>
  z.union([HandlebarsTemplateSchema, z.array(HandlebarsTemplateSchema).min(1)]).describe(description);

export const SendEmailAttachmentSchema = z
  .strictObject({
    source_filter: z
      .strictObject({
        limit: z.int().min(0).optional().describe('At most this many files; all matching files when absent.'),
        filename_regex: z.string().optional().describe('Match by file name (regular expression).'),
        attribute: z.string().optional().describe('Relation attribute on the main entity.'),
        relation_tag: z.string().optional().describe('Relation tag (label) on the main entity.'),
        tag: z.string().optional().describe('Tag on the related file entity.'),
        document_type: z
          .enum(['document', 'text', 'image', 'video', 'audio', 'spreadsheet', 'presentation', 'font', 'archive', 'application', 'unknown'])
          .optional(),
        self: z.boolean().optional().describe('Attach the main entity itself (when it is a file).'),
      })
      .optional()
      .describe('Which files related to the main entity to attach.'),
  })
  .meta({ id: 'SendEmailAttachment' });

export const SendEmailConditionSchema = z
  .strictObject({
    _equals: z.strictObject({ source: z.string().optional(), value: z.string().optional() }).optional(),
  })
  .meta({ id: 'SendEmailCondition' });

/**
 * epilot's `SendEmailConfig` plus autoflow's inline email: either a stored template
 * (`email_template_id`) or `to` + `subject` + `html`/`text`, each a handlebars template.
 */
export const SendEmailConfigSchema = z
  .strictObject({
    email_template_id: z.string().min(1).optional().describe('Stored email template to send; optional when the email is given inline.'),
    language_code: z.enum(['de', 'en']).optional(),
    notify_portal_user_only: z.boolean().optional().describe('Send only to the portal user, if registered.'),
    skip_creating_entities: z.boolean().optional().describe('Send without creating thread and message entities.'),
    wait_for_confirmation: z.boolean().optional().describe('Pause the execution until the {{confirmation_url}} link is clicked.'),
    reply_to_sender: z.boolean().optional().describe('Reply to the sender of the triggering email.'),
    reply_mode: z.enum(['reply_in_thread', 'new_email']).optional(),
    mark_as_done: z.boolean().optional().describe('Mark the email thread as done afterwards.'),
    attachments: z.array(SendEmailAttachmentSchema).optional().describe('Extra files to attach.'),
    conditions: z.array(SendEmailConditionSchema).optional().describe('The email is skipped unless these hold.'),
    to: recipients('autoflow extension: recipient address(es).').optional(),
    cc: recipients('autoflow extension: copy recipient address(es).').optional(),
    bcc: recipients('autoflow extension: blind copy recipient address(es).').optional(),
    from: HandlebarsTemplateSchema.optional().describe('autoflow extension: sender address; the configured default sender when absent.'),
    subject: HandlebarsTemplateSchema.optional().describe('autoflow extension: subject line.'),
    html: HandlebarsTemplateSchema.optional().describe('autoflow extension: HTML body.'),
    text: HandlebarsTemplateSchema.optional().describe('autoflow extension: plain-text body.'),
  })
  .superRefine((config, ctx) => {
    if (!isRecord(config) || config.email_template_id !== undefined) return;
    const missing: string[] = [];
    if (config.to === undefined) missing.push('to');
    if (config.subject === undefined) missing.push('subject');
    if (config.html === undefined && config.text === undefined) missing.push('html or text');
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `send-email needs either email_template_id or an inline email (to, subject, and html or text); missing: ${missing.join(', ')}`,
      });
    }
  }, REFINE_EVEN_IF_INVALID)
  .meta({ id: 'SendEmailConfig', description: 'Sends an email from a stored template or an inline one.' });

export type SendEmailConfig = z.infer<typeof SendEmailConfigSchema>;
