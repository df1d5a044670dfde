import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { MessageKind, MessageParams } from '../domain/message.js';
import { createMessageRepository, type Recipients } from '../repositories/message.repository.js';

export type { Recipients };

/**
 * Puts a message in the inboxes of `to`, inside the caller's transaction: it commits with the event
 * that causes it and rolls back with it. The text is not written, only `kind` and `params`, so each
 * reader sees it in their own language; `link` is the page to act on. The actor (`senderId`) is left
 * out of the recipients. Answers how many inboxes it reached.
 *
 * @example await notify(trx, { to: { adminsAt: [school.id] }, kind: 'plan_returned', params: { year }, link: '/plans', senderId: actor.userId })
 */
export function notify(
  trx: Kysely<DB>,
  n: { to: Recipients; kind: MessageKind; params?: MessageParams; link?: string | null; senderId?: number | null },
): Promise<number> {
  return createMessageRepository(trx).insert({
    to: n.to,
    kind: n.kind,
    params: n.params ?? {},
    link: n.link ?? null,
    senderId: n.senderId ?? null,
  });
}
