import { describe, expect, it } from 'vitest';
import { libpqCompatible } from './connection.ts';
import { SecretInputError } from './errors.ts';
import { passwordOf } from './set-role-password.ts';

describe('passwordOf', () => {
  it('takes the password of the secret JSON, with no trailing newline added', () => {
    expect(passwordOf('{"username":"u","password":"a b%"}\n')).toBe('a b%');
  });
  it('refuses input that is not the secret', () => {
    expect(() => passwordOf('hunter2')).toThrow(SecretInputError);
    expect(() => passwordOf('{"username":"u"}')).toThrow(SecretInputError);
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
