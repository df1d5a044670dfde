import i18next from 'i18next';
import { describe, expect, test } from 'vitest';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import { auditActor, auditActorText } from './audit-actor';

/** An audit row as `appendAudit` stores a command run on the server: no user, username 'cli', via 'cli'. */
const cliRow = { actorUsername: 'cli', actorRole: null, details: { via: 'cli', cycleId: 3 } };

describe('the operator column of the audit log', () => {
  test('a command run on the server reads as the command line, in either language, never as "cli"', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } } });
    expect(auditActor(cliRow)).toEqual({ kind: 'cli' });
    expect(auditActorText(auditActor(cliRow), i18n.t)).toBe('命令行（服务器）');
    await i18n.changeLanguage('en');
    expect(auditActorText(auditActor(cliRow), i18n.t)).toBe('Command line (server)');
  });

  test('a user named "cli" is still a user, and a row without anyone is anonymous', () => {
    expect(auditActor({ actorUsername: 'cli', actorRole: 'school_admin', details: null })).toEqual({
      kind: 'user',
      username: 'cli',
    });
    expect(auditActor({ actorUsername: 'wang', actorRole: 'county_admin', details: { via: 'cli' } })).toEqual({
      kind: 'user',
      username: 'wang',
    });
    expect(auditActor({ actorUsername: null, actorRole: null, details: null })).toEqual({ kind: 'anonymous' });
  });
});
