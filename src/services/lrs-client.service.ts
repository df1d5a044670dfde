import crypto from 'node:crypto';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createLrsClientRepository, type LrsClientRow } from '../repositories/lrs-client.repository.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { forgetLrsClient, type LrsIdentity } from './lrs-client-auth.js';
import { syncClientIdHashes } from './lrs-match.js';
import { flushLrsTraffic } from './lrs-traffic.js';
import { personalDataCipher } from './personal-data.js';

export const LRS_IDENTITY_KINDS = ['mbox', 'account', 'id_hash'] as const;
export type LrsIdentityKind = (typeof LRS_IDENTITY_KINDS)[number];

/** What an admin (or an operator at the command line) gives to create a client. */
export interface LrsClientInput {
  orgUnitId: number;
  name: string;
  identity: LrsIdentityKind;
  homePage?: string | null;
  salt?: string | null;
}

/** A new client with its credentials: the secret exists only in this answer. */
export interface CreatedLrsClient {
  client: LrsClientRow;
  key: string;
  secret: string;
}

function invalid(field: string, reason: string, reasonEn: string): AppError {
  return new AppError('LRS_CLIENT_INVALID', { params: { reason, reason_en: reasonEn }, details: { field } });
}

/**
 * Checks a client's settings and returns its identity rule and salt.
 * @example identityOf({ identity: 'account', homePage: 'https://study.example.cn' }) // { identity: { kind: 'account', homePage: 'https://study.example.cn' }, salt: null }
 */
export function identityOf(input: Pick<LrsClientInput, 'identity' | 'homePage' | 'salt'>): {
  identity: LrsIdentity;
  salt: string | null;
} {
  const homePage = input.homePage?.trim() || null;
  const salt = input.salt ?? null;
  if (input.identity === 'mbox') {
    if (homePage) throw invalid('homePage', '按邮箱识别时不填平台主页', 'an mbox rule takes no home page');
    if (salt) throw invalid('salt', '按邮箱识别时不填盐值', 'an mbox rule takes no salt');
    return { identity: { kind: 'mbox' }, salt: null };
  }
  if (!homePage) throw invalid('homePage', '须填写平台主页（账号的 homePage）', 'give the home page of the accounts');
  let url: URL;
  try {
    url = new URL(homePage);
  } catch {
    throw invalid('homePage', '平台主页须是 http(s) 网址', 'the home page must be an http(s) URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || homePage.length > 200)
    throw invalid('homePage', '平台主页须是 http(s) 网址', 'the home page must be an http(s) URL');
  if (input.identity === 'account') {
    if (salt) throw invalid('salt', '按账号识别时不填盐值', 'an account rule takes no salt');
    return { identity: { kind: 'account', homePage }, salt: null };
  }
  if (!salt || salt.length < 8 || salt.length > 100)
    throw invalid(
      'salt',
      '按身份证号哈希识别时须填写与平台约定的盐值（8–100 个字符）',
      'give the agreed salt (8–100 characters)',
    );
  return { identity: { kind: 'id_hash', homePage }, salt };
}

/** A client key: 20 lower-case letters and digits (the key is not secret, the secret is). */
function newKey(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(20);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** LRS clients: the credentials a reporting platform uses at /xapi, kept by county, city and province admins. */
export function createLrsClientService({ db, env }: ServiceDeps) {
  const repo = createLrsClientRepository(db);
  const units = createOrgUnitRepository(db);

  async function create(
    ctx: RequestContext,
    actor: Actor | null,
    unit: OrgUnitRow,
    input: LrsClientInput,
  ): Promise<CreatedLrsClient> {
    const name = input.name.trim();
    if (!name || name.length > 100) throw invalid('name', '名称须为 1–100 个字符', 'the name takes 1–100 characters');
    const { identity, salt } = identityOf(input);
    const key = newKey();
    const secret = crypto.randomBytes(32).toString('base64url');
    const cipher = personalDataCipher(env);
    const id = await auditedWrite(
      db,
      ctx,
      {
        action: 'lrs_client.create',
        targetType: 'lrs_client',
        targetLabel: name,
        targetPath: unit.path,
        details: { orgUnitId: unit.id, identity: identity.kind, apiKey: key },
      },
      async (trx, meta) => {
        const id = await createLrsClientRepository(trx).insert({
          provinceId: unit.provinceId,
          orgUnitId: unit.id,
          orgPath: unit.path,
          name,
          apiKey: key,
          secretHash: crypto.createHash('sha256').update(secret).digest(),
          identity,
          idHashSalt: salt,
          createdBy: actor?.userId ?? null,
        });
        meta.targetId = id;
        // an id_hash client matches by the salted hashes of its unit's ID numbers: computed now, once
        if (identity.kind === 'id_hash')
          meta.details = {
            ...meta.details,
            hashed: await syncClientIdHashes(trx, cipher, { id, orgPath: unit.path, idHashSalt: salt }),
          };
        return id;
      },
    );
    return { client: (await repo.find(id))!, key, secret };
  }

  async function requireManager(ctx: RequestContext, action: string, path: string | null, id?: number) {
    const actor = requireActor(ctx);
    if (path === null || !can(actor, 'org.read', { path }))
      return auditRefusal(db, ctx, { action, targetType: 'lrs_client', targetId: id ?? null }, notFoundDenied());
    if (!can(actor, 'lrs.manage', { path }))
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'lrs_client', targetId: id ?? null, targetPath: path },
        new AppError('FORBIDDEN'),
      );
    return actor;
  }

  return {
    /** The clients of the actor's subtree with their traffic (the counts waiting in memory included). */
    async list(ctx: RequestContext, q: { includeRevoked?: boolean } = {}): Promise<LrsClientRow[]> {
      const actor = requireActor(ctx);
      await requireManager(ctx, 'lrs_client.list', actor.orgPath);
      await flushLrsTraffic(db).catch(() => undefined);
      return repo.listUnder(actor.orgPath, q.includeRevoked ?? true);
    },

    async get(ctx: RequestContext, id: number): Promise<LrsClientRow> {
      const c = await repo.find(id);
      await requireManager(ctx, 'lrs_client.read', c?.orgPath ?? null, id);
      await flushLrsTraffic(db).catch(() => undefined);
      return (await repo.find(id))!;
    },

    async create(ctx: RequestContext, input: LrsClientInput): Promise<CreatedLrsClient> {
      const unit = await units.findById(input.orgUnitId);
      const actor = await requireManager(ctx, 'lrs_client.create', unit?.path ?? null);
      return create(ctx, actor, unit!, input);
    },

    /** `npx peixun lrs client create`: the operator on the server acts for the unit named by its code. */
    async createFromCli(ctx: RequestContext, orgCode: string, input: Omit<LrsClientInput, 'orgUnitId'>) {
      const unit = await units.findByCode(orgCode);
      if (!unit) throw new AppError('NOT_FOUND');
      return create(ctx, null, unit, { ...input, orgUnitId: unit.id });
    },

    /** Revokes a client: its next request is refused (here at once, in other server processes within 5 s). */
    async revoke(ctx: RequestContext, id: number): Promise<LrsClientRow> {
      const c = await repo.find(id);
      const actor = await requireManager(ctx, 'lrs_client.revoke', c?.orgPath ?? null, id);
      await auditedWrite(
        db,
        ctx,
        {
          action: 'lrs_client.revoke',
          targetType: 'lrs_client',
          targetId: id,
          targetLabel: c!.name,
          targetPath: c!.orgPath,
        },
        async (trx) => {
          if (!(await createLrsClientRepository(trx).revoke(id, actor.userId)))
            throw new AppError('CONFLICT', { details: { revokedAt: c!.revokedAt } });
        },
      );
      forgetLrsClient(db);
      return (await repo.find(id))!;
    },
  };
}

export type LrsClientService = ReturnType<typeof createLrsClientService>;
