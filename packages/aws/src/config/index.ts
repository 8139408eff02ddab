export * from './LambdaEnv';
export * from './LambdaConfigError';
export * from './SecretRef';
export * from './readSecret';
export * from './metricNames';
export * from './DeploymentConfig';
