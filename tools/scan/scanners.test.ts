import { describe, expect, it } from 'vitest';
import { cfnLintErrors, parseCfnLint, parseCheckov } from './scanners.ts';

describe('scanner output', () => {
  it('splits one checkov run over several templates per file, with logical ids', () => {
    const check = (id: string, resource: string, file: string) => ({
      check_id: id,
      check_name: `title of ${id}`,
      resource,
      file_path: `/${file}`,
    });
    const output = {
      check_type: 'cloudformation',
      results: {
        passed_checks: [check('CKV_AWS_45', 'AWS::Lambda::Function.Api1', 'a.json')],
        failed_checks: [
          check('CKV_AWS_115', 'AWS::Lambda::Function.Api1', 'a.json'),
          check('CKV_AWS_27', 'AWS::SQS::Queue.Queue2', 'b.json'),
        ],
        parsing_errors: [],
      },
      summary: { parsing_errors: 0 },
    };
    expect(parseCheckov(output, ['a.json', 'b.json'])).toEqual([
      {
        file: 'a.json',
        passed: 1,
        failures: [
          {
            check: 'CKV_AWS_115',
            name: 'title of CKV_AWS_115',
            resourceType: 'AWS::Lambda::Function',
            resource: 'Api1',
          },
        ],
      },
      {
        file: 'b.json',
        passed: 0,
        failures: [
          {
            check: 'CKV_AWS_27',
            name: 'title of CKV_AWS_27',
            resourceType: 'AWS::SQS::Queue',
            resource: 'Queue2',
          },
        ],
      },
    ]);
  });

  it('refuses a checkov run that checked nothing in a template (how it reports one it could not read)', () => {
    const summaryOnly = { check_type: 'cloudformation', summary: { parsing_errors: 0 } };
    expect(() => parseCheckov(summaryOnly, ['a.json'])).toThrow(/could not read/);
    const empty = {
      check_type: 'cloudformation',
      results: { passed_checks: [], failed_checks: [], parsing_errors: [] },
      summary: { parsing_errors: 0 },
    };
    expect(() => parseCheckov(empty, ['a.json'])).toThrow('checkov checked nothing in a.json');
  });

  it('fails a template on a cfn-lint error, not on a warning', () => {
    const finding = (level: string, id: string, path: (string | number)[] | null) => ({
      Filename: 'rds-debezium.json',
      Level: level,
      Rule: { Id: id },
      Message: `message of ${id}`,
      Location: { Path: path },
    });
    const findings = parseCfnLint([
      finding('Warning', 'W3005', ['Resources', 'Api', 'DependsOn', 2]),
      finding('Error', 'E3002', ['Resources', 'Queue', 'Properties', 'Bogus']),
      finding('Error', 'E0000', null),
    ]);
    expect(cfnLintErrors('rds-debezium', findings)).toEqual([
      'rds-debezium: cfn-lint E3002 at Resources/Queue/Properties/Bogus: message of E3002',
      'rds-debezium: cfn-lint E0000 at (template): message of E0000',
    ]);
  });
});
