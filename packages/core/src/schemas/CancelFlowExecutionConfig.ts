import { z } from 'zod';

export const CancellationReasonSchema = z
  .strictObject({
    id: z.string().min(1),
    title: z.string().describe('Human-readable reason.'),
  })
  .meta({ id: 'CancellationReason' });

/**
 * epilot's `FlowExecutionCancelConfig` declares `required: ["configured_reasons"]` without
 * declaring that property (its client types omit it). It is not required here; when a client
 * sends it anyway it is accepted and ignored.
 */
export const CancelFlowExecutionConfigSchema = z
  .strictObject({
    selected_reasons: z.array(CancellationReasonSchema).optional().describe('Reasons recorded with the cancellation.'),
    extra_description: z.string().optional().describe('Free-text note recorded with the cancellation.'),
    configured_reasons: z
      .array(CancellationReasonSchema)
      .optional()
      .describe('Accepted for compatibility with epilot\'s spec, which lists it as required; ignored.'),
  })
  .meta({ id: 'CancelFlowExecutionConfig', description: 'Cancels the current execution, recording why.' });

export type CancelFlowExecutionConfig = z.infer<typeof CancelFlowExecutionConfigSchema>;
