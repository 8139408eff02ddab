/** The SDK client settings every embedded stand-in accepts: its endpoint and throw-away credentials. */
export interface LocalAwsClientConfig {
  endpoint: string;
  region: 'us-east-1';
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export function localAwsClientConfig(endpoint: string): LocalAwsClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}
