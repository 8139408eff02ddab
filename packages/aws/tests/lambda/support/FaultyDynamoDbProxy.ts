import { request as httpRequest } from 'node:http';
import { HttpStub } from './httpStub';

/**
 * Sits between the code under test and DynamoDB Local and answers requests whose body matches
 * a predicate the way DynamoDB answers when a partition is throttled. Everything else is passed
 * through unchanged. The SDK sees a real service error, retries it as it would on AWS, and
 * gives up with ProvisionedThroughputExceededException.
 */
export class FaultyDynamoDbProxy {
  private failWhen: (body: string) => boolean = () => false;
  throttled = 0;

  private constructor(private readonly http: HttpStub) {}

  static async start(target: string): Promise<FaultyDynamoDbProxy> {
    let self: FaultyDynamoDbProxy | undefined;
    const to = new URL(target);
    const http = await HttpStub.start((request, res) => {
      if (self!.failWhen(request.body)) {
        self!.throttled++;
        return {
          status: 400,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'The level of configured provisioned throughput for the table was exceeded.',
          }),
        };
      }
      return new Promise<'forward'>((resolve) => {
        const upstream = httpRequest(
          { host: to.hostname, port: to.port, method: request.method, path: request.url, headers: { ...request.headers, host: to.host } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(res);
            answer.on('end', () => resolve('forward'));
          },
        );
        upstream.end(request.body);
      });
    });
    self = new FaultyDynamoDbProxy(http);
    return self;
  }

  get url(): string {
    return this.http.url;
  }

  /** Throttle every request whose JSON body contains `text` (e.g. an org's key prefix). */
  throttleRequestsContaining(text: string | undefined): void {
    this.failWhen = text === undefined ? () => false : (body) => body.includes(text);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }
}
