import { z } from 'zod';
import { HandlebarsTemplateSchema } from './HandlebarsTemplate';
import { isRecord } from './JsonObject';
import { REFINE_EVEN_IF_INVALID } from './ValidationProblem';

/** Longest time any single action or request may take: the AWS Lambda limit. */
export const MAX_TIMEOUT_MS = 900_000;

export const TimeoutMsSchema = z.int().min(1).max(MAX_TIMEOUT_MS);

/** An absolute http(s) URL without embedded credentials (those belong in `secret_ref`). */
export const HttpUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be an absolute URL such as https://example.com/hook (got ${JSON.stringify(value)})` });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `must use http or https, not ${url.protocol.replace(/:$/, '')}` });
  }
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({ code: 'custom', message: 'must not contain credentials; reference them with secret_ref' });
  }
}).meta({ format: 'uri' });

// RFC 9110 token characters
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const WebhookMethod = { GET: 'GET', POST: 'POST', PUT: 'PUT', PATCH: 'PATCH', DELETE: 'DELETE' } as const;
export type WebhookMethod = (typeof WebhookMethod)[keyof typeof WebhookMethod];

export const TriggerWebhookConfigSchema = z
  .strictObject({
    target_webhook_id: z.string().min(1).optional().describe('Id of a webhook configured for the organisation (epilot).'),
    entity_sources: z.array(z.string()).optional().describe('Schemas of related entities to include in the payload (epilot).'),
    sync: z.boolean().optional().describe('Wait for the response before the flow continues (epilot).'),
    event_id: z.string().optional().describe('The latest webhook event id of an execution of this action (epilot, set by the engine).'),
    url: HttpUrlSchema.optional().describe('autoflow extension: URL to call directly, without a configured webhook.'),
    method: z.enum(WebhookMethod).default(WebhookMethod.POST).describe('autoflow extension: HTTP method.'),
    headers: z
      .record(z.string().regex(HEADER_NAME), HandlebarsTemplateSchema)
      .optional()
      .describe('autoflow extension: request headers; values are handlebars templates.'),
    timeout_ms: TimeoutMsSchema.optional().describe('autoflow extension: request timeout in milliseconds.'),
    secret_ref: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('autoflow extension: name of a stored secret used to sign or authenticate the request; never the secret itself.'),
  })
  .superRefine((config, ctx) => {
    if (isRecord(config) && config.url === undefined && config.target_webhook_id === undefined) {
      ctx.addIssue({ code: 'custom', message: 'trigger-webhook needs a url or a target_webhook_id' });
    }
  }, REFINE_EVEN_IF_INVALID)
  .meta({ id: 'TriggerWebhookConfig', description: 'Calls a webhook with the trigger entity and context.' });

export type TriggerWebhookConfig = z.output<typeof TriggerWebhookConfigSchema>;
