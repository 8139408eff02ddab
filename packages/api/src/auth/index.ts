export * from './Authenticator';
export * from './hs256Authenticator';
export * from './jwksAuthenticator';
export * from './signDevToken';
export * from './bearerAuth';
