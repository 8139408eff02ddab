import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  AccountSuspendedException,
  BadRequestException,
  InternalServiceErrorException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESv2Client,
  SESv2ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { AutomationError } from '@autoflow/core';
import { SesEmailSender, toEmailError, toSendEmailInput } from '../../src/ses';

/**
 * The real SES v2 stand-in. It is a dependency of packages/local (the embedded stack), not of
 * packages/aws, so it is resolved from there; it runs in this process on 127.0.0.1.
 */
type StartSesServer = (config: { host: string; port: number }) => Promise<Server>;
const startSesServer = (require(require.resolve('aws-ses-v2-local', { paths: [path.resolve(__dirname, '../../../local')] })) as { default: StartSesServer })
  .default;

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

let server: Server;
let endpoint: string;
let client: SESv2Client;

async function storedEmails(): Promise<StoredEmail[]> {
  const res = await fetch(`${endpoint}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

async function failure(promise: Promise<unknown>): Promise<AutomationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AutomationError) return err;
    throw err;
  }
  throw new Error('expected the send to fail');
}

beforeAll(async () => {
  server = await startSesServer({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new SESv2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(async () => {
  await fetch(`${endpoint}/clear-store`, { method: 'POST' });
});

describe('SesEmailSender', () => {
  it('sends a simple UTF-8 email that SES stores with all its recipients and both bodies', async () => {
    const sender = new SesEmailSender(client);

    const { messageId } = await sender.send({
      from: 'Autoflow <automation@autoflow.example>',
      to: ['ada@example.com', 'charles@example.com'],
      cc: ['cc@example.com'],
      bcc: ['audit@example.com'],
      subject: 'Grüße, Ada ✓',
      html: '<p>Hallo <b>Ada</b></p>',
      text: 'Hallo Ada',
    });

    const emails = await storedEmails();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      messageId,
      from: 'Autoflow <automation@autoflow.example>',
      destination: { to: ['ada@example.com', 'charles@example.com'], cc: ['cc@example.com'], bcc: ['audit@example.com'] },
      subject: 'Grüße, Ada ✓',
      body: { html: '<p>Hallo <b>Ada</b></p>', text: 'Hallo Ada' },
    });
  });

  it('sends with a configuration set when one is configured', async () => {
    const sender = new SesEmailSender(client, { configurationSetName: 'autoflow-events' });

    const { messageId } = await sender.send({ from: 'a@autoflow.example', to: ['b@example.com'], subject: 'Hi', text: 'text only' });

    expect((await storedEmails()).map((e) => e.messageId)).toEqual([messageId]);
  });

  it('turns a request SES refuses into a NonRetryableError BULK_EMAIL_ERROR', async () => {
    const sender = new SesEmailSender(client);

    // neither html nor text: SES answers 400
    const err = await failure(sender.send({ from: 'a@autoflow.example', to: ['b@example.com'], subject: 'no body' }));

    expect(err.code).toBe('BULK_EMAIL_ERROR');
    expect(err.retryable).toBe(false);
    expect(err.info).toMatchObject({ status: 400 });
    expect(await storedEmails()).toEqual([]);
  });

  it('turns an unreachable endpoint into a RetryableError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = new SESv2Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      const err = await failure(new SesEmailSender(offline).send({ from: 'a@autoflow.example', to: ['b@example.com'], subject: 's', text: 't' }));
      expect(err.code).toBe('BULK_EMAIL_ERROR');
      expect(err.retryable).toBe(true);
    } finally {
      offline.destroy();
    }
  });
});

describe('toSendEmailInput', () => {
  it('builds Simple content with UTF-8 charsets and only the parts that are present', () => {
    expect(toSendEmailInput({ from: 'a@x.io', to: ['b@x.io'], replyTo: ['r@x.io'], subject: 'S', html: '<p>H</p>' }, 'set-1')).toEqual({
      FromEmailAddress: 'a@x.io',
      Destination: { ToAddresses: ['b@x.io'] },
      ReplyToAddresses: ['r@x.io'],
      Content: { Simple: { Subject: { Data: 'S', Charset: 'UTF-8' }, Body: { Html: { Data: '<p>H</p>', Charset: 'UTF-8' } } } },
      ConfigurationSetName: 'set-1',
    });
  });
});

describe('toEmailError', () => {
  const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode, requestId: 'req-1' } });

  it.each([
    ['TooManyRequestsException', new TooManyRequestsException({ message: 'rate exceeded', ...meta(429) })],
    ['InternalServiceErrorException', new InternalServiceErrorException({ message: 'oops', ...meta(500) })],
    ['an unnamed 503', new SESv2ServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'down', ...meta(503) })],
    ['a socket error without an HTTP answer', Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' })],
  ])('treats %s as retryable', (_name, err) => {
    const mapped = toEmailError(err);
    expect(mapped.code).toBe('BULK_EMAIL_ERROR');
    expect(mapped.retryable).toBe(true);
    expect(mapped.cause).toBe(err);
  });

  it.each([
    ['MessageRejected', new MessageRejected({ message: 'Email address is not verified.', ...meta(400) })],
    ['MailFromDomainNotVerifiedException', new MailFromDomainNotVerifiedException({ message: 'not verified', ...meta(400) })],
    ['BadRequestException', new BadRequestException({ message: 'bad', ...meta(400) })],
    ['AccountSuspendedException', new AccountSuspendedException({ message: 'suspended', ...meta(400) })],
  ])('treats %s as not retryable', (name, err) => {
    const mapped = toEmailError(err);
    expect(mapped.code).toBe('BULK_EMAIL_ERROR');
    expect(mapped.retryable).toBe(false);
    expect(mapped.info).toEqual({ ses_error: name, status: 400, request_id: 'req-1' });
    expect(mapped.message).toContain(name);
  });
});
