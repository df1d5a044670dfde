import type { AuditEntry } from '../../api/types';

/**
 * Who did an audited action, as the audit page names them: a user by their username, a command
 * run on the server (`peixun …`, stored with the username `cli` and `details.via = 'cli'`) as the
 * command line rather than a username-looking "cli", or nobody signed in.
 */
export type AuditActor = { kind: 'user'; username: string } | { kind: 'cli' } | { kind: 'anonymous' };

export function auditActor(entry: Pick<AuditEntry, 'actorRole' | 'actorUsername' | 'details'>): AuditActor {
  if (entry.actorRole === null && entry.details?.via === 'cli') return { kind: 'cli' };
  if (entry.actorUsername !== null) return { kind: 'user', username: entry.actorUsername };
  return { kind: 'anonymous' };
}

/** The operator in words; a user's username as it is. */
export function auditActorText(actor: AuditActor, t: (key: 'audit.cli' | 'audit.anonymous') => string): string {
  switch (actor.kind) {
    case 'user':
      return actor.username;
    case 'cli':
      return t('audit.cli');
    case 'anonymous':
      return t('audit.anonymous');
    default: {
      const never: never = actor;
      return never;
    }
  }
}
