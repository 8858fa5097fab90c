import { describe, expect, it } from 'vitest';
import { missingForCapture } from './preflight.ts';

const ready = { log_bin: 'ON', binlog_format: 'ROW', binlog_row_image: 'FULL', server_id: '1' };
const cdcGrants = [
  "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `holdline_cdc`@`127.0.0.1` IDENTIFIED BY PASSWORD '*X'",
  'GRANT SELECT ON `holdline`.* TO `holdline_cdc`@`127.0.0.1`',
];

describe('missingForCapture', () => {
  it('finds nothing missing on a ROW binlog with full images and a user with the binlog privileges', () => {
    expect(missingForCapture(ready, cdcGrants)).toEqual([]);
  });

  it('names binlog_format when the server logs statements or mixed', () => {
    expect(missingForCapture({ ...ready, binlog_format: 'MIXED' }, cdcGrants)).toEqual([
      'binlog_format is MIXED, needs ROW',
    ]);
  });

  it('names log_bin, binlog_row_image and server_id when the binlog is off, minimal or anonymous', () => {
    expect(
      missingForCapture({ ...ready, log_bin: 'OFF', binlog_row_image: 'MINIMAL', server_id: '0' }, cdcGrants),
    ).toEqual([
      'log_bin is OFF, needs ON',
      'binlog_row_image is MINIMAL, needs FULL',
      'server_id is 0, needs a non-zero id',
    ]);
  });

  it('names REPLICATION CLIENT when the user lacks it, under either of its names', () => {
    const without = ['GRANT RELOAD, REPLICATION SLAVE ON *.* TO `u`@`h`'];
    expect(missingForCapture(ready, without)).toEqual(['the user lacks REPLICATION CLIENT ON *.*']);
    expect(
      missingForCapture(ready, ['GRANT RELOAD, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `u`@`h`']),
    ).toEqual([]);
  });

  it('does not count a privilege granted on one database as global', () => {
    expect(missingForCapture(ready, ['GRANT SELECT ON `holdline`.* TO `u`@`h`'])).toEqual([
      'the user lacks REPLICATION CLIENT ON *.*',
      'the user lacks REPLICATION SLAVE ON *.*',
      'the user lacks RELOAD ON *.*',
    ]);
  });

  it('accepts ALL PRIVILEGES', () => {
    expect(missingForCapture(ready, ['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost`'])).toEqual([]);
  });
});
