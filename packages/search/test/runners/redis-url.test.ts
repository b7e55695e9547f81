import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl } from '../../src/runners/index.js';

describe('parseRedisUrl', () => {
  it('reads host, port, credentials, database and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390')).toEqual({ host: '127.0.0.1', port: 6390 });
    expect(parseRedisUrl('redis://queue.lan')).toEqual({ host: 'queue.lan', port: 6379 });
    expect(parseRedisUrl('rediss://me:p%40ss@h:7000/2')).toEqual({
      host: 'h',
      port: 7000,
      username: 'me',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
    expect(parseRedisUrl('redis://:secret@[::1]:6379')).toEqual({ host: '::1', port: 6379, password: 'secret' });
  });

  it('rejects what is not a redis URL with a message naming it', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow(
      '--redis "localhost:6379": the scheme must be redis:// or rediss://, not localhost:',
    );
    expect(() => parseRedisUrl('not a url')).toThrow('--redis "not a url" is not a URL; expected redis://host:port');
    expect(() => parseRedisUrl('http://h:1')).toThrow('the scheme must be redis:// or rediss://, not http://');
    expect(() => parseRedisUrl('redis://h:1/x')).toThrow('the path must be a database number, not /x');
  });
});

describe('redactRedisUrl', () => {
  it('hides the password and leaves URLs without one alone', () => {
    expect(redactRedisUrl('redis://me:s3cret@h:6379/1')).toBe('redis://me:***@h:6379/1');
    expect(redactRedisUrl('redis://h:6379')).toBe('redis://h:6379');
  });
});
