import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  EmulatorStartError,
  freePort,
  localAwsClientConfig,
  startDynamoDbLocal,
  startFauxqs,
  startSesSink,
  type SesSink,
} from '../src/emulators';
import { isAlive } from './support/waitFor';

describe('freePort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(port).toBeGreaterThan(0);
  });
});

describe('localAwsClientConfig', () => {
  it('points a client at the endpoint with local credentials in us-east-1', () => {
    expect(localAwsClientConfig('http://127.0.0.1:1234')).toEqual({
      endpoint: 'http://127.0.0.1:1234',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
});

describe('startDynamoDbLocal', () => {
  it('answers ListTables once started and leaves no java process after stop', async () => {
    const ddb = await startDynamoDbLocal();
    const client = new DynamoDBClient(localAwsClientConfig(ddb.endpoint));
    try {
      const tables = await client.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual([]);
      expect(isAlive(ddb.pid)).toBe(true);
      expect(readFileSync(`/proc/${ddb.pid}/environ`, 'utf8').split('\0')).toContain('DDB_LOCAL_TELEMETRY=0');
    } finally {
      client.destroy();
      await ddb.stop();
    }
    expect(isAlive(ddb.pid)).toBe(false);
    // Its process group (the JVM and anything it forked) is gone too.
    expect(() => process.kill(-ddb.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('fails with a clear error when DynamoDB Local exits early because its port is taken', async () => {
    const port = await freePort();
    // Accepts and drops connections, so that readiness probes fail fast instead of hanging.
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(port, '0.0.0.0', resolve));
    try {
      const error = await startDynamoDbLocal({ port }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(EmulatorStartError);
      expect((error as EmulatorStartError).message).toMatch(new RegExp(`port ${port} is already in use`));
      expect((error as EmulatorStartError).output).toBeDefined();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('fails with a clear error when java is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startDynamoDbLocal()).rejects.toThrow(EmulatorStartError);
      await expect(startDynamoDbLocal()).rejects.toThrow(/`java` was not found on PATH/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('startFauxqs', () => {
  it('serves the SQS API and leaves no process after stop', async () => {
    const fauxqs = await startFauxqs();
    const sqs = new SQSClient(localAwsClientConfig(fauxqs.endpoint));
    try {
      expect(fauxqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const queues = await sqs.send(new ListQueuesCommand({}));
      expect(queues.QueueUrls ?? []).toEqual([]);
    } finally {
      sqs.destroy();
      await fauxqs.stop();
    }
    expect(isAlive(fauxqs.pid)).toBe(false);
  });
});

describe('startSesSink', () => {
  let sink: SesSink;
  let ses: SESv2Client;

  beforeAll(async () => {
    sink = await startSesSink();
    ses = new SESv2Client(localAwsClientConfig(sink.endpoint));
  });

  afterAll(async () => {
    ses.destroy();
    await sink.stop();
  });

  it('stores mail sent through SESv2 and lists it from GET /store', async () => {
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'flows@example.com',
        Destination: { ToAddresses: ['emulators-test@example.com'] },
        Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'From the sink test' } } } },
      }),
    );

    const mail = (await sink.listMail()).filter((m) => m.destination.to.includes('emulators-test@example.com'));

    expect(sink.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ from: 'flows@example.com', subject: 'Hello', body: { text: 'From the sink test' } });
  });

  it('empties the store on clearMail', async () => {
    await sink.clearMail();
    expect(await sink.listMail()).toEqual([]);
  });
});
