import { expect, test } from 'bun:test';
import { securityHeaders, uploadOriginsOf } from './guard.ts';

const connectSrc = (h: Readonly<Record<string, string>>) => /connect-src ([^;]*)/.exec(h['content-security-policy']!)![1];

test('the page may send data only to this server, and to the input bucket when uploads go straight to it', () => {
  expect(connectSrc(securityHeaders(uploadOriginsOf({ s3BucketIn: null, s3EndpointUrl: null })))).toBe("'self'");
  expect(connectSrc(securityHeaders(uploadOriginsOf({ s3BucketIn: 'in', s3EndpointUrl: 'http://minio.lan:9000/' })))).toBe("'self' http://minio.lan:9000");
  expect(connectSrc(securityHeaders(uploadOriginsOf({ s3BucketIn: 'in', s3EndpointUrl: null })))).toBe("'self' https://*.amazonaws.com");
  // Only an input bucket matters: outputs are read through this server.
  expect(connectSrc(securityHeaders(uploadOriginsOf({ s3BucketIn: null, s3EndpointUrl: 'http://minio.lan:9000' })))).toBe("'self'");
  expect(securityHeaders()['content-security-policy']).toContain("script-src 'self';");
});
