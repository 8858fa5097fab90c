import { describe, expect, it } from 'vitest';
import { holdlineTemplate, only, referencedId, resourcesOf } from './template.ts';

describe('admin bastion (context bastion=true)', () => {
  it('is absent unless asked for', () => {
    holdlineTemplate().resourceCountIs('AWS::EC2::Instance', 0);
  });

  it('admits nobody inbound, reaches Postgres, and requires IMDSv2 and an encrypted disk', () => {
    const template = holdlineTemplate({ bastion: 'true' });
    const [, instance] = only(template, 'AWS::EC2::Instance', () => true);
    const groupId = referencedId(instance.Properties.SecurityGroupIds[0]);
    const group = resourcesOf(template, 'AWS::EC2::SecurityGroup')[groupId!];
    expect(group?.Properties.SecurityGroupIngress).toBeUndefined();
    const [dbId, db] = only(template, 'AWS::RDS::DBInstance', () => true);
    expect(dbId).toBeTruthy();
    const dbGroupId = referencedId(db.Properties.VPCSecurityGroups[0]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [dbGroupId, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
    });
    expect(instance.Properties.BlockDeviceMappings[0].Ebs.Encrypted).toBe(true);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
    });
  });

  it('rejects a bastion value other than true or false', () => {
    expect(() => holdlineTemplate({ bastion: 'yes' })).toThrow(/bastion=yes/);
  });
});
