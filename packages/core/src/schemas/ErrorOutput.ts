import { z } from 'zod';

export const ErrorDetailSchema = z.object({
  explanation: z.string(),
  context: z.string().optional(),
  id: z.string().optional(),
});

/** epilot `ErrorOutput`: why an action or a condition block failed. */
export const ErrorOutputSchema = z.object({
  // Not limited to ErrorCode: custom workers report codes of their own.
  error_code: z.string().min(1).describe('An epilot ErrorCode value, or a code of a custom worker.'),
  error_reason: z.string(),
  error_info: z.looseObject({ details: z.array(ErrorDetailSchema).optional() }).optional(),
}).meta({ id: 'ErrorOutput', description: 'Why an action or a condition block failed.' });

export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;
export type ErrorOutput = z.infer<typeof ErrorOutputSchema>;
