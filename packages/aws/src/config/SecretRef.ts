import { z } from 'zod';

/** Where a secret lives: an SSM parameter (SecureString) or a Secrets Manager secret. */
export type SecretRef = { kind: 'ssm'; name: string } | { kind: 'secretsmanager'; secretId: string };

const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter(\/[A-Za-z0-9/_.-]+)$/;
const SSM_PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/**
 * A secret reference as written in configuration: a Secrets Manager secret ARN, an SSM
 * parameter ARN, or an SSM parameter name (`/autoflow/prod/webhook-signing-secret`).
 */
export const SecretRefSchema = z.string().transform((value, ctx): SecretRef => {
  if (SECRETS_MANAGER_ARN.test(value)) return { kind: 'secretsmanager', secretId: value };
  const arn = SSM_PARAMETER_ARN.exec(value);
  if (arn) return { kind: 'ssm', name: arn[1]! };
  if (SSM_PARAMETER_NAME.test(value) && value.length <= 2048) return { kind: 'ssm', name: value };
  ctx.addIssue({ code: 'custom', message: 'must be an SSM parameter name or ARN, or a Secrets Manager secret ARN' });
  return z.NEVER;
});
