import { SendEmailCommand, type SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { AutomationError, ErrorCodes, NonRetryableError, RetryableError } from '@autoflow/core';
import type { EmailSender, OutgoingEmail } from '@autoflow/engine';

export interface SesEmailSenderOptions {
  /** SES configuration set for event publishing (bounces, complaints, deliveries) */
  configurationSetName?: string;
}

/**
 * The engine's EmailSender on SES v2 `SendEmail` with simple (non-template) content.
 * The client is built once per container; the engine retries actions itself, so a small
 * `maxAttempts` on the client is enough.
 */
export class SesEmailSender implements EmailSender {
  private readonly configurationSetName: string | undefined;

  constructor(
    private readonly client: SESv2Client,
    options: SesEmailSenderOptions = {},
  ) {
    this.configurationSetName = options.configurationSetName;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.client.send(new SendEmailCommand(toSendEmailInput(email, this.configurationSetName))));
    } catch (err) {
      throw toEmailError(err);
    }
    if (messageId === undefined) {
      throw new RetryableError(ErrorCodes.SEND_EMAIL_ERROR, 'SES accepted the email but returned no message id');
    }
    return { messageId };
  }
}

export function toSendEmailInput(email: OutgoingEmail, configurationSetName?: string): SendEmailCommandInput {
  const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
  return {
    FromEmailAddress: email.from,
    Destination: {
      ToAddresses: email.to,
      ...(email.cc === undefined ? {} : { CcAddresses: email.cc }),
      ...(email.bcc === undefined ? {} : { BccAddresses: email.bcc }),
    },
    ...(email.replyTo === undefined ? {} : { ReplyToAddresses: email.replyTo }),
    Content: {
      Simple: {
        Subject: utf8(email.subject),
        Body: {
          ...(email.html === undefined ? {} : { Html: utf8(email.html) }),
          ...(email.text === undefined ? {} : { Text: utf8(email.text) }),
        },
      },
    },
    ...(configurationSetName === undefined ? {} : { ConfigurationSetName: configurationSetName }),
  };
}

/** Rate limits and quotas free up with time; SES retries them too. */
const RETRYABLE_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'LimitExceededException', 'InternalServiceErrorException', 'ServiceUnavailable', 'TimeoutError', 'RequestTimeout']);

/**
 * Translates what the SES client throws into the engine's errors: throttling, quotas, 5xx and
 * network failures are retryable; everything SES refused on its merits (MessageRejected,
 * MailFromDomainNotVerifiedException, BadRequestException, a paused or suspended account, other
 * 4xx) will be refused again and is not.
 */
export function toEmailError(err: unknown): AutomationError {
  if (err instanceof AutomationError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    $fault?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const info: Record<string, unknown> = {
    ses_error: name,
    ...(status === undefined ? {} : { status }),
    ...(e.$metadata?.requestId === undefined ? {} : { request_id: e.$metadata.requestId }),
    ...(typeof e.code === 'string' ? { network_error: e.code } : {}),
  };
  const detail = `${name}${typeof e.message === 'string' && e.message !== '' ? `: ${e.message}` : ''}`;

  const retryable =
    RETRYABLE_NAMES.has(name) ||
    e.$retryable !== undefined ||
    e.$fault === 'server' ||
    (status !== undefined && (status >= 500 || status === 429 || status === 408)) ||
    // no HTTP answer at all: connection refused, reset, DNS, socket timeout
    status === undefined;
  return retryable
    ? new RetryableError(ErrorCodes.SEND_EMAIL_ERROR, `SES could not take the email now: ${detail}`, { cause: err, info })
    : new NonRetryableError(ErrorCodes.SEND_EMAIL_ERROR, `SES refused the email: ${detail}`, { cause: err, info });
}
