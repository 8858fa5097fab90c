import { describe, expect, it } from 'vitest';
import { libpqCompatible } from './connection.ts';
import { SecretInputError } from './errors.ts';
import { passwordOf, roleOf } from './set-role-password.ts';

describe('passwordOf', () => {
  it('takes the password of the secret JSON, with no trailing newline added', () => {
    expect(passwordOf('{"username":"u","password":"a b%"}\n')).toBe('a b%');
  });
  it('refuses input that is not the secret', () => {
    expect(() => passwordOf('hunter2')).toThrow(SecretInputError);
    expect(() => passwordOf('{"username":"u"}')).toThrow(SecretInputError);
  });
});

describe('roleOf', () => {
  it('takes the role from the secret, and refuses a named role the secret is not for', () => {
    const secret = '{"username":"holdline_monitor","password":"p"}';
    expect(roleOf(secret)).toBe('holdline_monitor');
    expect(roleOf(secret, 'holdline_monitor')).toBe('holdline_monitor');
    expect(() => roleOf(secret, 'holdline_app')).toThrow(SecretInputError);
  });
  it('needs a named role when the secret carries no username', () => {
    expect(roleOf('{"password":"p"}', 'holdline_app')).toBe('holdline_app');
    expect(() => roleOf('{"password":"p"}')).toThrow(SecretInputError);
  });
});

describe('libpqCompatible', () => {
  it('gives sslmode its libpq meaning for node-pg, and leaves a URL without sslmode alone', () => {
    expect(libpqCompatible('postgres://u:p@127.0.0.1:15432/holdline?sslmode=require')).toBe(
      'postgres://u:p@127.0.0.1:15432/holdline?sslmode=require&uselibpqcompat=true',
    );
    expect(libpqCompatible('postgres://u:p@127.0.0.1:5432/holdline')).toBe(
      'postgres://u:p@127.0.0.1:5432/holdline',
    );
  });
});
