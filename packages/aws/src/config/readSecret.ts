import { RetryableError } from '@autoflow/core';
import type { SecretRef } from './SecretRef';

export interface ReadSecretOptions {
  /** the extension's port; Lambda sets `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` (default 2773) */
  port?: number;
  /** the function's session token, which the extension requires as proof of origin */
  sessionToken?: string;
  timeoutMs?: number;
}

/**
 * Reads a secret through the AWS Parameters and Secrets Lambda Extension (a layer the CDK app
 * adds to the functions that need a secret): a GET on localhost, no SDK client in the bundle.
 * Callers read once per container and keep the value.
 */
export async function readSecret(ref: SecretRef, options: ReadSecretOptions = {}): Promise<string> {
  const port = options.port ?? Number(process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? 2773);
  const token = options.sessionToken ?? process.env.AWS_SESSION_TOKEN ?? '';
  const url =
    ref.kind === 'ssm'
      ? `http://localhost:${port}/systemsmanager/parameters/get?name=${encodeURIComponent(ref.name)}&withDecryption=true`
      : `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(ref.secretId)}`;
  const what = ref.kind === 'ssm' ? `SSM parameter ${ref.name}` : `secret ${ref.secretId}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'X-Aws-Parameters-Secrets-Token': token }, signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
  } catch (err) {
    throw new RetryableError('INTERNAL_ERROR', `could not reach the Parameters and Secrets extension for ${what}: ${(err as Error).message}`, { cause: err });
  }
  const text = await response.text();
  if (!response.ok) throw new RetryableError('INTERNAL_ERROR', `reading ${what} failed with HTTP ${response.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { Parameter?: { Value?: unknown }; SecretString?: unknown };
  const value = ref.kind === 'ssm' ? body.Parameter?.Value : body.SecretString;
  if (typeof value !== 'string' || value === '') throw new RetryableError('INTERNAL_ERROR', `${what} has no string value`);
  return value;
}
