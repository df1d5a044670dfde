// Generated from the migrated schema by `npx peixun db types`. Do not edit by hand.
import type { ColumnType, Generated } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type Json = ColumnType<unknown, string | null, string | null>;

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  prefix: string;
  token_hash: Buffer;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: string;
  org_unit_id: number;
  org_path: string;
  province_id: number;
  password_hash: string | null;
  must_change_password: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  disabled: Generated<boolean>;
  is_demo: Generated<boolean>;
  last_login_at: Date | null;
  password_changed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_user_id: number | null;
  actor_username: string | null;
  actor_role: string | null;
  actor_path: string | null;
  target_path: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  ip: string | null;
  outcome: string;
  error_code: string | null;
  details: Json;
}

export interface OrgUnitTable {
  id: Generated<number>;
  parent_id: number | null;
  path: string;
  depth: number;
  province_id: number;
  kind: string;
  name: string;
  code: string | null;
  division_code: string | null;
  stages: Generated<string[]>;
  address: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  is_demo: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}

export interface UserSessionTable {
  token_hash: Buffer;
  user_id: number;
  csrf_token: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface DB {
  api_token: ApiTokenTable;
  app_user: AppUserTable;
  audit_log: AuditLogTable;
  org_unit: OrgUnitTable;
  schema_migrations: SchemaMigrationsTable;
  user_session: UserSessionTable;
}
