import { HttpStub } from './httpStub';

/**
 * The AWS Parameters and Secrets Lambda Extension's localhost API (a Lambda layer, which cannot
 * run here): GET /systemsmanager/parameters/get and /secretsmanager/get, answered from a map and
 * refused without the session-token header, as the extension does.
 */
export class SecretsExtensionStub {
  private constructor(
    private readonly http: HttpStub,
    readonly values: Map<string, string>,
  ) {}

  static async start(sessionToken: string, values: Record<string, string>): Promise<SecretsExtensionStub> {
    const map = new Map(Object.entries(values));
    const http = await HttpStub.start((request) => {
      if (request.headers['x-aws-parameters-secrets-token'] !== sessionToken) return { status: 401, body: 'missing or wrong token' };
      const url = new URL(request.url, 'http://localhost');
      if (url.pathname === '/systemsmanager/parameters/get') {
        const value = map.get(url.searchParams.get('name') ?? '');
        return value === undefined
          ? { status: 400, body: 'ParameterNotFound' }
          : { status: 200, body: JSON.stringify({ Parameter: { Name: url.searchParams.get('name'), Type: 'SecureString', Value: value, Version: 1 } }) };
      }
      if (url.pathname === '/secretsmanager/get') {
        const value = map.get(url.searchParams.get('secretId') ?? '');
        return value === undefined ? { status: 400, body: 'ResourceNotFoundException' } : { status: 200, body: JSON.stringify({ SecretString: value }) };
      }
      return { status: 404, body: 'not found' };
    });
    return new SecretsExtensionStub(http, map);
  }

  get port(): number {
    return this.http.port;
  }

  get requests(): number {
    return this.http.requests.length;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }
}
