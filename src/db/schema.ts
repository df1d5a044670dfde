// Generated from the migrated schema by `npx peixun db types`. Do not edit by hand.
import type { ColumnType, Generated } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type Json = ColumnType<unknown, string | null, string | null>;
/** a JSON column with a default: may be left out of an insert */
export type JsonWithDefault = ColumnType<unknown, string | undefined, string>;

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

export interface AttendanceTable {
  session_id: number;
  teacher_id: number;
  checked_in_at: Date | null;
  checked_out_at: Date | null;
  present: boolean;
  method: string;
  corrected_by: number | null;
  reason: string | null;
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
  day_only: Generated<boolean>;
}

export interface AuthThrottleTable {
  kind: string;
  subject: string;
  source: string;
  failures: Generated<number>;
  last_failure_at: Generated<Date>;
  locked_until: Date | null;
}

export interface BackboneDutyTable {
  id: Generated<number>;
  province_id: number;
  title_id: number;
  teacher_id: number;
  org_path: string;
  year: number;
  kind: string;
  subject: string;
  held_on: string;
  link: string | null;
  sha256: Buffer | null;
  file_name: string | null;
  mime_type: string | null;
  size_bytes: number | null;
  status: Generated<string>;
  decided_by: number | null;
  decided_at: Date | null;
  decision_note: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface BackboneDutyYearTable {
  title_id: number;
  year: number;
  reminded_on: string | null;
  flagged_on: string | null;
}

export interface BackboneNominationTable {
  id: Generated<number>;
  province_id: number;
  round_id: number;
  teacher_id: number;
  org_path: string;
  quota_unit_id: number;
  by_unit_id: number;
  statement: string;
  title_id: number | null;
  status: string;
  outcome: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface BackboneNominationFileTable {
  id: Generated<number>;
  nomination_id: number;
  sha256: Buffer;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface BackbonePanelMemberTable {
  round_id: number;
  user_id: number;
  added_by: number | null;
  added_at: Generated<Date>;
}

export interface BackboneQuotaTable {
  round_id: number;
  org_unit_id: number;
  org_path: string;
  quota: number;
}

export interface BackboneRoundTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  level: string;
  kind: Generated<string>;
  title: string;
  criteria: string;
  checks: JsonWithDefault;
  nomination_deadline: string;
  term_years: number;
  duties: Json;
  status: Generated<string>;
  publicity_id: number | null;
  finalised_at: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface BackboneScoreTable {
  nomination_id: number;
  user_id: number;
  score: number;
  comment: string | null;
  scored_at: Generated<Date>;
}

export interface BackboneTitleTable {
  id: Generated<number>;
  province_id: number;
  teacher_id: number;
  org_path: string;
  level: string;
  granted_by_unit_id: number;
  granted_path: string;
  round_id: number | null;
  term_start: string;
  term_end: string;
  status: Generated<string>;
  flagged_at: Date | null;
  flag_reason: string | null;
  flag_source_kind: string | null;
  flag_source_id: number | null;
  revoked_at: Date | null;
  revoked_by: number | null;
  revoke_reason: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
  code: Generated<string>;
}

export interface BackboneTitleEventTable {
  id: Generated<number>;
  title_id: number;
  kind: string;
  reason: string | null;
  actor_id: number | null;
  at: Generated<Date>;
  details: Json;
}

export interface CommendationBatchTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  year: number;
  title: string;
  criteria: Json;
  status: Generated<string>;
  proposed_at: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CommendationCandidateTable {
  id: Generated<number>;
  batch_id: number;
  kind: string;
  org_unit_id: number;
  org_path: string;
  teacher_id: number | null;
  user_id: number | null;
  name: string;
  unit_name: string;
  figures: Json;
  origin: string;
  added_reason: string | null;
  removed_at: Date | null;
  removed_by: number | null;
  removed_reason: string | null;
  outcome: string | null;
  honour_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface CompetitionTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  title: string;
  kind: string;
  year: number;
  description: string | null;
  categories: JsonWithDefault;
  rubric: Json;
  trim_at: Generated<number>;
  normalise: Generated<boolean>;
  normalise_min: Generated<number>;
  spread_threshold: Generated<number>;
  status: Generated<string>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface CompetitionAwardTable {
  id: Generated<number>;
  round_id: number;
  entry_round_id: number | null;
  org_unit_id: number | null;
  grade: string;
  outcome: string | null;
  created_at: Generated<Date>;
}

export interface CompetitionAwardHonourTable {
  award_id: number;
  honour_id: number;
}

export interface CompetitionEntrantTable {
  entry_id: number;
  teacher_id: number;
  position: number;
}

export interface CompetitionEntryTable {
  id: Generated<number>;
  competition_id: number;
  province_id: number;
  school_unit_id: number;
  org_path: string;
  category: string | null;
  title: string;
  body: string | null;
  video_url: string | null;
  blind_code: string;
  status: Generated<string>;
  submitted_by: number | null;
  submitted_at: Generated<Date>;
}

export interface CompetitionEntryFileTable {
  id: Generated<number>;
  entry_id: number;
  position: number;
  file_name: string;
  mime: string;
  size_bytes: number;
  sha256: Buffer;
}

export interface CompetitionEntryRoundTable {
  id: Generated<number>;
  round_id: number;
  entry_id: number;
  quota_unit_id: number;
  panel_id: number | null;
  final_score: number | null;
  raw_mean: number | null;
  rank: number | null;
  scorecard: Json;
  disagreement: Generated<boolean>;
  award: string | null;
  advanced: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface CompetitionJudgeTable {
  panel_id: number;
  user_id: number;
  seat: number;
}

export interface CompetitionPanelTable {
  id: Generated<number>;
  round_id: number;
  name: string;
  lead_user_id: number;
  created_at: Generated<Date>;
}

export interface CompetitionRoundTable {
  id: Generated<number>;
  competition_id: number;
  province_id: number;
  level: string;
  position: number;
  org_unit_id: number;
  org_path: string;
  deadline: string;
  quota_default: Generated<number>;
  quotas: JsonWithDefault;
  award_spec: JsonWithDefault;
  status: Generated<string>;
  aggregate: Json;
  aggregated_at: Date | null;
  created_at: Generated<Date>;
}

export interface CompetitionScoreTable {
  round_id: number;
  entry_id: number;
  judge_id: number;
  items: JsonWithDefault;
  total: number | null;
  comment: string | null;
  status: Generated<string>;
  recuse_reason: string | null;
  rescore_requested: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface CourseTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  title: string;
  category: string;
  module: string;
  form: string;
  hours: number;
  credit_categories: Generated<string[]>;
  stages: Generated<string[]>;
  subjects: Generated<string[]>;
  description: string | null;
  materials: JsonWithDefault;
  archived: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CourseChapterTable {
  id: Generated<number>;
  course_id: number;
  position: number;
  title: string;
  created_at: Generated<Date>;
}

export interface CourseItemTable {
  id: Generated<number>;
  course_id: number;
  chapter_id: number;
  position: number;
  kind: string;
  title: string;
  required_minutes: number;
  file_id: number | null;
  body: string | null;
  archived: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface CourseOnlineTable {
  course_id: number;
  study_rule: JsonWithDefault;
  completion_rule: JsonWithDefault;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface CourseReflectionPromptTable {
  id: Generated<number>;
  course_id: number;
  position: number;
  body: string;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface CreditCertificateTable {
  id: Generated<number>;
  province_id: number;
  code: string;
  teacher_id: number;
  cycle_id: number;
  kind: string;
  year: number | null;
  org_unit_id: number;
  org_path: string;
  status: string;
  superseded_by: number | null;
  snapshot: Json;
  issued_by: number | null;
  issued_at: Generated<Date>;
  revoked_at: Date | null;
  revoke_reason: string | null;
}

export interface CreditCycleTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  name: string;
  start_year: number;
  end_year: number;
  current_version: Generated<number>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface CreditEntryTable {
  id: Generated<number>;
  province_id: number;
  teacher_id: number;
  org_unit_id: number;
  org_path: string;
  cycle_id: number;
  year: number;
  hours: number;
  categories: Generated<string[]>;
  source_type: string;
  source_ref: string | null;
  title: string;
  occurred_on: string;
  evidence_id: number | null;
  evidence_ref: string | null;
  reverses_id: number | null;
  reason: string | null;
  after_lock: Generated<boolean>;
  idem_key: string;
  content_hash: Buffer;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface CreditEvidenceTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  sha256: Buffer;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface CreditReversalRequestTable {
  id: Generated<number>;
  province_id: number;
  entry_id: number;
  org_path: string;
  reason: string;
  status: string;
  requested_by: number | null;
  requested_at: Generated<Date>;
  decided_by: number | null;
  decided_at: Date | null;
  decision_note: string | null;
}

export interface CreditReviewRequestTable {
  id: Generated<number>;
  province_id: number;
  teacher_id: number;
  org_path: string;
  cycle_id: number;
  topic: string;
  message: string;
  status: string;
  answer: string | null;
  answered_by: number | null;
  answered_at: Date | null;
  created_at: Generated<Date>;
}

export interface CreditRuleVersionTable {
  cycle_id: number;
  version: number;
  rules: Json;
  note: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface CreditSchoolSummaryTable {
  org_unit_id: number;
  cycle_id: number;
  province_id: number;
  org_path: string;
  teachers: Generated<number>;
  in_scope: Generated<number>;
  complete: Generated<number>;
  on_track: Generated<number>;
  behind: Generated<number>;
  at_risk: Generated<number>;
  raw_hours: Generated<number>;
  counted_hours: Generated<number>;
  entry_count: Generated<number>;
  below_yearly: Generated<number>;
}

export interface CreditTeacherStatusTable {
  teacher_id: number;
  cycle_id: number;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  rule_version: number;
  as_of_year: number;
  in_scope: boolean;
  status: string;
  raw_hours: number;
  counted_hours: number;
  entry_count: number;
  year_hours: number[];
  minima_unmet: number;
}

export interface CreditVerificationTable {
  id: Generated<number>;
  province_id: number;
  cycle_id: number;
  year: number;
  org_unit_id: number;
  org_path: string;
  status: string;
  teachers: Generated<number>;
  verified: Generated<number>;
  opened_by: number | null;
  opened_at: Generated<Date>;
  submitted_by: number | null;
  submitted_at: Date | null;
  decided_by: number | null;
  decided_at: Date | null;
  decision_note: string | null;
}

export interface CreditVerificationItemTable {
  verification_id: number;
  teacher_id: number;
  computed: string;
  failures: JsonWithDefault;
  year_hours: number;
  exception: string | null;
  exception_reason: string | null;
  result: string;
}

export interface DevelopmentPlanTable {
  id: Generated<number>;
  province_id: number;
  teacher_id: number;
  start_year: number;
  goals: string;
  years: Json;
  status: Generated<string>;
  review_comment: string | null;
  submitted_at: Date | null;
  reviewed_at: Date | null;
  reviewed_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DevelopmentPlanReviewTable {
  id: Generated<number>;
  plan_id: number;
  decision: string;
  comment: string | null;
  org_path: string;
  reviewed_by: number;
  reviewed_at: Generated<Date>;
  snapshot: Json;
}

export interface EnrolmentTable {
  id: Generated<number>;
  class_id: number;
  teacher_id: number;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  status: string;
  source: string;
  quota_unit_id: number | null;
  waitlisted_at: Date | null;
  assessment_passed: boolean | null;
  outcome: string | null;
  outcome_reason: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  project_id: Generated<number>;
}

export interface ExamTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  title: string;
  instructions: Generated<string>;
  target: string;
  course_id: number | null;
  class_id: number | null;
  project_id: number | null;
  spot_check_id: number | null;
  status: string;
  opens_at: Timestamp;
  closes_at: Timestamp;
  duration_minutes: number;
  attempts_allowed: Generated<number>;
  grade_policy: Generated<string>;
  paper: Json;
  paper_pool: Json;
  shuffle_questions: Generated<boolean>;
  show_answers: Generated<string>;
  gates: JsonWithDefault;
  composite: JsonWithDefault;
  level_cuts: JsonWithDefault;
  pass_level: Generated<string>;
  targets: JsonWithDefault;
  hours: number | null;
  credit_categories: Generated<string[]>;
  blind_marking: Generated<boolean>;
  double_marking: Generated<boolean>;
  dispute_threshold: Generated<number>;
  published_at: Date | null;
  closed_at: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ExamAnswerTable {
  attempt_id: number;
  position: number;
  answer: Json;
  client_seq: number;
  saved_at: Generated<Date>;
  auto_score: number | null;
  mark_state: string | null;
  manual_score: number | null;
}

export interface ExamAttemptTable {
  id: Generated<number>;
  province_id: number;
  exam_id: number;
  teacher_id: number;
  org_path: string;
  attempt_no: number;
  seed: string;
  paper: Json;
  anon_code: string;
  status: string;
  started_at: Generated<Date>;
  deadline_at: Timestamp;
  submitted_at: Date | null;
  submitted_how: string | null;
  max_score: number;
  auto_score: number | null;
  manual_score: number | null;
  score: number | null;
  pending_marks: Generated<number>;
}

export interface ExamComponentScoreTable {
  exam_id: number;
  teacher_id: number;
  component: string;
  score: number;
  entered_by: number | null;
  entered_at: Generated<Date>;
}

export interface ExamEventTable {
  id: Generated<number>;
  attempt_id: number;
  kind: string;
  client_at: Date | null;
  at: Generated<Date>;
}

export interface ExamMarkTable {
  id: Generated<number>;
  attempt_id: number;
  position: number;
  round: number;
  marker_id: number;
  score: number;
  comment: string | null;
  created_at: Generated<Date>;
}

export interface ExamMarkerTable {
  exam_id: number;
  user_id: number;
}

export interface ExamRegradeTable {
  id: Generated<number>;
  exam_id: number;
  question_id: number;
  from_version: number;
  to_version: number;
  summary: Json;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface ExamResultTable {
  exam_id: number;
  teacher_id: number;
  org_path: string;
  attempt_id: number | null;
  exam_score: number | null;
  composite: number | null;
  level: string | null;
  passed: Generated<boolean>;
  credited: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface FeeDueOverrideTable {
  fee_item_id: number;
  org_unit_id: number;
  org_path: string;
  due_fen: number;
  reason: string;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface FeeItemTable {
  id: Generated<number>;
  project_id: number;
  province_id: number;
  org_path: string;
  name: string;
  kind: string;
  amount_fen: number;
  archived: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FeePaymentTable {
  id: Generated<number>;
  fee_item_id: number;
  org_unit_id: number;
  org_path: string;
  amount_fen: number;
  paid_on: string;
  receipt_no: string | null;
  note: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface ForumModeratorTable {
  class_id: number;
  teacher_id: number;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface ForumPostTable {
  id: Generated<number>;
  province_id: number;
  class_id: number;
  topic_id: number;
  author_id: number;
  teacher_id: number | null;
  opening: boolean;
  body: string;
  chars: number;
  similarity: number | null;
  counts: boolean;
  why_not: string | null;
  hidden_at: Date | null;
  hidden_by: number | null;
  hidden_reason: string | null;
  created_at: Generated<Date>;
}

export interface ForumReportTable {
  id: Generated<number>;
  province_id: number;
  class_id: number;
  post_id: number;
  reporter_id: number;
  reason: string;
  status: Generated<string>;
  answer: string | null;
  handled_by: number | null;
  handled_at: Date | null;
  created_at: Generated<Date>;
}

export interface ForumTopicTable {
  id: Generated<number>;
  province_id: number;
  class_id: number;
  title: string;
  author_id: number;
  pinned: Generated<boolean>;
  locked: Generated<boolean>;
  replies: Generated<number>;
  last_post_at: Generated<Date>;
  created_at: Generated<Date>;
}

export interface HomeworkAssignmentTable {
  id: Generated<number>;
  province_id: number;
  class_id: number;
  title: string;
  instructions: Generated<string>;
  due_at: Timestamp;
  grading: string;
  max_score: number | null;
  pass_score: number | null;
  blind: Generated<boolean>;
  released_at: Date | null;
  released_by: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HomeworkFileTable {
  id: Generated<number>;
  province_id: number;
  class_id: number;
  teacher_id: number;
  sha256: Buffer;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  created_at: Generated<Date>;
}

export interface HomeworkSubmissionTable {
  id: Generated<number>;
  province_id: number;
  assignment_id: number;
  class_id: number;
  teacher_id: number;
  org_path: string;
  anon_code: string;
  status: string;
  version: number;
  late: boolean;
  submitted_at: Timestamp;
  share_name: Generated<boolean>;
  score: number | null;
  grade: string | null;
  passed: boolean | null;
  comment: string | null;
  decided_by: number | null;
  decided_at: Date | null;
  recommended_at: Date | null;
  recommended_by: number | null;
  created_at: Generated<Date>;
}

export interface HomeworkVersionTable {
  id: Generated<number>;
  submission_id: number;
  version: number;
  body: string;
  late: boolean;
  submitted_at: Generated<Date>;
  outcome: string | null;
  score: number | null;
  grade: string | null;
  passed: boolean | null;
  comment: string | null;
  decided_by: number | null;
  decided_at: Date | null;
}

export interface HomeworkVersionFileTable {
  version_id: number;
  file_id: number;
  position: number;
}

export interface HonourTable {
  id: Generated<number>;
  province_id: number;
  kind: string;
  teacher_id: number | null;
  user_id: number | null;
  org_unit_id: number;
  org_path: string;
  recipient_name: string;
  awarded_by_unit_id: number;
  awarded_by_path: string;
  title: string;
  grade: string | null;
  year: number;
  source_kind: string;
  source_id: number;
  code: string;
  awarded_on: string;
  revoked_at: Date | null;
  revoked_by: number | null;
  revoke_reason: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface JobTable {
  id: Generated<number>;
  kind: string;
  province_id: number;
  org_path: string;
  status: string;
  params: Json;
  progress: Generated<number>;
  total: Generated<number>;
  result: Json;
  error_code: string | null;
  attempts: Generated<number>;
  lease_until: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface LrsActorMappingTable {
  client_id: number;
  actor_ifi: string;
  teacher_id: number;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface LrsClientTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  name: string;
  api_key: string;
  secret_hash: Buffer;
  identity: JsonWithDefault;
  id_hash_salt: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
  revoked_by: number | null;
  last_used_at: Date | null;
}

export interface LrsClientIdHashTable {
  client_id: number;
  teacher_id: number;
  id_number_hash: Buffer;
  salted_hash: string;
}

export interface LrsClientTrafficTable {
  client_id: number;
  requests: Generated<number>;
  statements_stored: Generated<number>;
  statements_read: Generated<number>;
  last_request_at: Date | null;
}

export interface LrsCreditTable {
  province_id: number;
  statement_id: string;
  seq: number;
  teacher_id: number;
  rule_id: number;
  hours: number;
  entry_id: number | null;
  refused: string | null;
  voided_at: Date | null;
  reversal_id: number | null;
  created_at: Generated<Date>;
}

export interface LrsMappingStateTable {
  province_id: number;
  watermark: Generated<number>;
  updated_at: Generated<Date>;
}

export interface LrsRuleTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  name: string;
  enabled: Generated<boolean>;
  priority: Generated<number>;
  definition: Json;
  version: Generated<number>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface MessageTable {
  id: Generated<number>;
  province_id: number;
  recipient_id: number;
  kind: string;
  params: JsonWithDefault;
  link: string | null;
  sender_id: number | null;
  created_at: Generated<Date>;
  read_at: Date | null;
}

export interface NoticeTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  title: string;
  body: string;
  published_by: number | null;
  published_at: Generated<Date>;
}

export interface NoticeReadTable {
  notice_id: number;
  user_id: number;
  read_at: Generated<Date>;
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

export interface PairTable {
  id: Generated<number>;
  province_id: number;
  kind: string;
  county_id: number;
  county_path: string;
  org_unit_id: number;
  org_path: string;
  mentee_org_unit_id: number;
  mentee_org_path: string;
  mentor_teacher_id: number | null;
  mentee_teacher_id: number | null;
  applied_as: string;
  application_note: string | null;
  status: string;
  status_reason: string | null;
  goals: string | null;
  plan: string | null;
  term_start: string | null;
  term_end: string | null;
  mentor_confirmed_at: Date | null;
  mentee_confirmed_at: Date | null;
  registered_at: Date | null;
  registered_by: number | null;
  ended_at: Date | null;
  end_kind: string | null;
  honour_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PairActivityTable {
  id: Generated<number>;
  pair_id: number;
  kind: string;
  occurred_on: string;
  minutes: number;
  note: string;
  side: string;
  teacher_id: number | null;
  logged_by: number;
  status: Generated<string>;
  decided_by: number | null;
  decided_at: Date | null;
  reject_reason: string | null;
  hours: number | null;
  entry_id: number | null;
  posting_refused: string | null;
  created_at: Generated<Date>;
}

export interface PairActivityFileTable {
  id: Generated<number>;
  activity_id: number;
  sha256: Buffer;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface PairReviewTable {
  id: Generated<number>;
  pair_id: number;
  stage: string;
  school_score: number | null;
  school_comment: string | null;
  school_by: number | null;
  school_at: Date | null;
  county_score: number | null;
  county_comment: string | null;
  county_by: number | null;
  county_at: Date | null;
}

export interface PairRuleTable {
  county_id: number;
  province_id: number;
  county_path: string;
  enabled: Generated<boolean>;
  observation_tenths: number;
  guidance_tenths: number;
  coteaching_tenths: number;
  other_tenths: number;
  cap_tenths: number;
  category: string | null;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface PublicityTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  scope_path: string;
  kind: string;
  source_id: number;
  title: string;
  body: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: Generated<string>;
  finalised_at: Date | null;
  finalised_by: number | null;
  withdrawn_reason: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface PublicityItemTable {
  id: Generated<number>;
  publicity_id: number;
  position: number;
  ref_id: number;
  title: string;
  subtitle: string | null;
  scorecard: Json;
  outcome: string | null;
}

export interface PublicityObjectionTable {
  id: Generated<number>;
  province_id: number;
  publicity_id: number;
  item_id: number;
  author_id: number;
  author_path: string;
  body: string;
  status: Generated<string>;
  answer: string | null;
  answered_by: number | null;
  answered_at: Date | null;
  created_at: Generated<Date>;
  step: string | null;
}

export interface QuestionTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  current_version: Generated<number>;
  archived: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface QuestionBankEditorTable {
  org_unit_id: number;
  user_id: number;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface QuestionVersionTable {
  id: Generated<number>;
  question_id: number;
  version: number;
  kind: string;
  stem: string;
  options: JsonWithDefault;
  answer: Json;
  explanation: Generated<string>;
  module: Generated<string>;
  subject: Generated<string>;
  stage: Generated<string>;
  difficulty: Generated<number>;
  shuffle_options: Generated<boolean>;
  frozen: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface ReflectionTable {
  id: Generated<number>;
  province_id: number;
  class_id: number;
  course_id: number;
  teacher_id: number;
  org_path: string;
  title: string;
  body: string;
  chars: number;
  similarity: number;
  counts: boolean;
  matched_ranges: JsonWithDefault;
  matched_kind: string | null;
  matched_reflection_id: number | null;
  signature: Buffer;
  status: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  withdrawn_at: Date | null;
}

export interface ReflectionBandTable {
  course_id: number;
  band_key: number;
  reflection_id: number;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}

export interface SpotCheckTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  title: string;
  year: number;
  rate_percent: Generated<number>;
  min_per_unit: Generated<number>;
  criteria: JsonWithDefault;
  status: string;
  list_sha256: string | null;
  seed_sha256: string | null;
  seed: string | null;
  committed_at: Date | null;
  drawn_at: Date | null;
  results_published_at: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SpotCheckCandidateTable {
  spot_check_id: number;
  teacher_id: number;
  org_unit_id: number;
  org_path: string;
  list_key: string;
  drawn: Generated<boolean>;
}

export interface SpotCheckUnitTable {
  spot_check_id: number;
  org_unit_id: number;
  org_path: string;
  eligible: number;
  sample_size: number;
}

export interface StudyFileTable {
  id: Generated<number>;
  province_id: number;
  course_id: number;
  kind: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  duration_seconds: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface StudyHeartbeatTable {
  session_id: number;
  seq: number;
  received_at: Generated<Date>;
  position_from: number;
  position_to: number;
  rate: number;
  visible: boolean;
  focused: boolean;
  playing: boolean;
  presence_answer: string | null;
}

export interface StudySessionTable {
  id: Generated<number>;
  province_id: number;
  class_id: number;
  item_id: number;
  teacher_id: number;
  org_path: string;
  rule: Json;
  presence_key: Buffer;
  started_at: Generated<Date>;
  ended_at: Date | null;
  segments: Json;
  counted_seconds: number | null;
  receipt: Json;
  settled_at: Date | null;
  settled_seq: number | null;
}

export interface SurveyFormTable {
  project_id: number;
  questions: Json;
  updated_by: number | null;
  updated_at: Generated<Date>;
  results_after: Generated<string>;
  results_min_answers: number | null;
}

export interface SurveyResponseTable {
  id: Generated<number>;
  class_id: number;
  project_id: number;
  answers: Json;
  submitted_on: string;
}

export interface SurveySubmissionTable {
  class_id: number;
  teacher_id: number;
}

export interface TeacherTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  name: string;
  id_type: string;
  id_number_enc: Buffer;
  id_number_hash: Buffer;
  id_number_masked: string;
  gender: string | null;
  birth_date: string | null;
  phone_enc: Buffer | null;
  phone_hash: Buffer | null;
  phone_masked: string | null;
  stage: string;
  subject: string | null;
  title: string | null;
  teaching_start_year: number | null;
  employment: string;
  head_teacher: Generated<boolean>;
  backbone_level: string | null;
  subject_leader: Generated<boolean>;
  master_teacher: Generated<boolean>;
  new_teacher: Generated<boolean>;
  user_id: number | null;
  activation_hash: Buffer | null;
  activation_expires: Date | null;
  import_id: number | null;
  is_demo: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TeacherCorrectionTable {
  id: Generated<number>;
  teacher_id: number;
  province_id: number;
  org_path: string;
  field: string;
  proposed: string | null;
  proposed_enc: Buffer | null;
  reason: string;
  status: Generated<string>;
  created_at: Generated<Date>;
  decided_by: number | null;
  decided_at: Date | null;
  decision_note: string | null;
}

export interface TeacherImportTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  created_by: number;
  created_at: Generated<Date>;
  file_name: string;
  file_sha256: Buffer;
  status: string;
  total_rows: number;
  summary: Json;
  errors: JsonWithDefault;
  committed_at: Date | null;
  committed_by: number | null;
  result: Json;
  extra_columns: JsonWithDefault;
}

export interface TeacherImportRowTable {
  import_id: number;
  row_no: number;
  action: string;
  teacher_id: number | null;
  org_unit_id: number;
  org_path: string;
  name: string;
  id_type: string;
  id_number_enc: Buffer;
  id_number_hash: Buffer;
  id_number_masked: string;
  gender: string | null;
  birth_date: string | null;
  phone_enc: Buffer | null;
  phone_hash: Buffer | null;
  phone_masked: string | null;
  stage: string;
  subject: string | null;
  title: string | null;
  teaching_start_year: number | null;
  employment: string;
  head_teacher: boolean;
  backbone_level: string | null;
  subject_leader: boolean;
  master_teacher: boolean;
  new_teacher: boolean;
  changes: Json;
}

export interface TeacherPostingTable {
  id: Generated<number>;
  teacher_id: number;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  started_on: string;
  ended_on: string | null;
  reason: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface TrainerProfileTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  kind: string;
  name: string;
  user_id: number | null;
  teacher_id: number | null;
  title: string | null;
  employer: string | null;
  level: string;
  subjects: Generated<string[]>;
  stages: Generated<string[]>;
  specialties: string | null;
  active: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TrainerTrainingTable {
  id: Generated<number>;
  trainer_id: number;
  title: string;
  organiser: string | null;
  starts_on: string;
  ends_on: string;
  hours: number;
  notes: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface TrainingClassTable {
  id: Generated<number>;
  project_id: number;
  province_id: number;
  org_path: string;
  name: string;
  capacity: number;
  enrolled: Generated<number>;
  waitlisted: Generated<number>;
  status: string;
  closed_at: Date | null;
  closed_by: number | null;
  created_at: Generated<Date>;
  early_close_reason: string | null;
  course_id: number | null;
  study_opens_on: string | null;
  study_closes_on: string | null;
}

export interface TrainingClassQuotaTable {
  class_id: number;
  org_unit_id: number;
  org_path: string;
  quota: number;
  used: Generated<number>;
}

export interface TrainingClassTrainerTable {
  class_id: number;
  user_id: number;
}

export interface TrainingPlanTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  year: number;
  title: string;
  summary: string | null;
  status: string;
  version: Generated<number>;
  review_comment: string | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  submitted_at: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TrainingPlanItemTable {
  id: Generated<number>;
  plan_id: number;
  month: number;
  title: string;
  form: string | null;
  responsible_unit_id: number | null;
  responsible: string | null;
  project_id: number | null;
  notes: string | null;
  position: Generated<number>;
}

export interface TrainingPlanVersionTable {
  id: Generated<number>;
  plan_id: number;
  version: number;
  event: string;
  content: Json;
  comment: string | null;
  actor_id: number | null;
  created_at: Generated<Date>;
}

export interface TrainingProjectTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  level: string;
  title: string;
  description: string | null;
  year: number;
  status: string;
  registration_opens: string | null;
  registration_closes: string | null;
  eligibility: JsonWithDefault;
  completion_rule: JsonWithDefault;
  hours: number;
  credit_categories: Generated<string[]>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TrainingProjectCourseTable {
  project_id: number;
  course_id: number;
}

export interface TrainingSessionTable {
  id: Generated<number>;
  class_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  place: string | null;
  online_url: string | null;
  checkin_opens_at: Timestamp;
  checkin_closes_at: Timestamp;
  token_secret: Buffer;
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

export interface XapiActivityTable {
  province_id: number;
  activity_id: string;
  definition: Json;
  updated: Generated<Date>;
}

export interface XapiAttachmentTable {
  province_id: number;
  sha2: string;
  content_type: string;
  length: number;
  content: Buffer;
  created_at: Generated<Date>;
}

export interface XapiDocumentTable {
  id: Generated<number>;
  province_id: number;
  org_unit_id: number;
  kind: string;
  activity_id: Generated<string>;
  agent_ifi: Generated<string>;
  registration: string | null;
  doc_id: string;
  content_type: string;
  content: Buffer;
  etag: string;
  client_id: number | null;
  updated: Timestamp;
}

export interface XapiOwnStateTable {
  province_id: number;
  source: string;
  after_id: Generated<number>;
  after_ts: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface XapiStatementTable {
  seq: Generated<number>;
  province_id: number;
  id: string;
  client_id: number | null;
  client_path: string;
  teacher_id: number | null;
  teacher_path: string | null;
  match_status: Generated<string>;
  stored: Timestamp;
  ts: Timestamp;
  verb_id: string;
  actor_ifi: string | null;
  object_kind: string;
  object_id: string | null;
  registration: string | null;
  related_agents: Generated<string[]>;
  related_activities: Generated<string[]>;
  ref_id: string | null;
  voided: Generated<boolean>;
  is_voiding: Generated<boolean>;
  attachment_sha2: Generated<string[]>;
  body: string;
}

export interface DB {
  api_token: ApiTokenTable;
  app_user: AppUserTable;
  attendance: AttendanceTable;
  audit_log: AuditLogTable;
  auth_throttle: AuthThrottleTable;
  backbone_duty: BackboneDutyTable;
  backbone_duty_year: BackboneDutyYearTable;
  backbone_nomination: BackboneNominationTable;
  backbone_nomination_file: BackboneNominationFileTable;
  backbone_panel_member: BackbonePanelMemberTable;
  backbone_quota: BackboneQuotaTable;
  backbone_round: BackboneRoundTable;
  backbone_score: BackboneScoreTable;
  backbone_title: BackboneTitleTable;
  backbone_title_event: BackboneTitleEventTable;
  commendation_batch: CommendationBatchTable;
  commendation_candidate: CommendationCandidateTable;
  competition: CompetitionTable;
  competition_award: CompetitionAwardTable;
  competition_award_honour: CompetitionAwardHonourTable;
  competition_entrant: CompetitionEntrantTable;
  competition_entry: CompetitionEntryTable;
  competition_entry_file: CompetitionEntryFileTable;
  competition_entry_round: CompetitionEntryRoundTable;
  competition_judge: CompetitionJudgeTable;
  competition_panel: CompetitionPanelTable;
  competition_round: CompetitionRoundTable;
  competition_score: CompetitionScoreTable;
  course: CourseTable;
  course_chapter: CourseChapterTable;
  course_item: CourseItemTable;
  course_online: CourseOnlineTable;
  course_reflection_prompt: CourseReflectionPromptTable;
  credit_certificate: CreditCertificateTable;
  credit_cycle: CreditCycleTable;
  credit_entry: CreditEntryTable;
  credit_evidence: CreditEvidenceTable;
  credit_reversal_request: CreditReversalRequestTable;
  credit_review_request: CreditReviewRequestTable;
  credit_rule_version: CreditRuleVersionTable;
  credit_school_summary: CreditSchoolSummaryTable;
  credit_teacher_status: CreditTeacherStatusTable;
  credit_verification: CreditVerificationTable;
  credit_verification_item: CreditVerificationItemTable;
  development_plan: DevelopmentPlanTable;
  development_plan_review: DevelopmentPlanReviewTable;
  enrolment: EnrolmentTable;
  exam: ExamTable;
  exam_answer: ExamAnswerTable;
  exam_attempt: ExamAttemptTable;
  exam_component_score: ExamComponentScoreTable;
  exam_event: ExamEventTable;
  exam_mark: ExamMarkTable;
  exam_marker: ExamMarkerTable;
  exam_regrade: ExamRegradeTable;
  exam_result: ExamResultTable;
  fee_due_override: FeeDueOverrideTable;
  fee_item: FeeItemTable;
  fee_payment: FeePaymentTable;
  forum_moderator: ForumModeratorTable;
  forum_post: ForumPostTable;
  forum_report: ForumReportTable;
  forum_topic: ForumTopicTable;
  homework_assignment: HomeworkAssignmentTable;
  homework_file: HomeworkFileTable;
  homework_submission: HomeworkSubmissionTable;
  homework_version: HomeworkVersionTable;
  homework_version_file: HomeworkVersionFileTable;
  honour: HonourTable;
  job: JobTable;
  lrs_actor_mapping: LrsActorMappingTable;
  lrs_client: LrsClientTable;
  lrs_client_id_hash: LrsClientIdHashTable;
  lrs_client_traffic: LrsClientTrafficTable;
  lrs_credit: LrsCreditTable;
  lrs_mapping_state: LrsMappingStateTable;
  lrs_rule: LrsRuleTable;
  message: MessageTable;
  notice: NoticeTable;
  notice_read: NoticeReadTable;
  org_unit: OrgUnitTable;
  pair: PairTable;
  pair_activity: PairActivityTable;
  pair_activity_file: PairActivityFileTable;
  pair_review: PairReviewTable;
  pair_rule: PairRuleTable;
  publicity: PublicityTable;
  publicity_item: PublicityItemTable;
  publicity_objection: PublicityObjectionTable;
  question: QuestionTable;
  question_bank_editor: QuestionBankEditorTable;
  question_version: QuestionVersionTable;
  reflection: ReflectionTable;
  reflection_band: ReflectionBandTable;
  schema_migrations: SchemaMigrationsTable;
  spot_check: SpotCheckTable;
  spot_check_candidate: SpotCheckCandidateTable;
  spot_check_unit: SpotCheckUnitTable;
  study_file: StudyFileTable;
  study_heartbeat: StudyHeartbeatTable;
  study_session: StudySessionTable;
  survey_form: SurveyFormTable;
  survey_response: SurveyResponseTable;
  survey_submission: SurveySubmissionTable;
  teacher: TeacherTable;
  teacher_correction: TeacherCorrectionTable;
  teacher_import: TeacherImportTable;
  teacher_import_row: TeacherImportRowTable;
  teacher_posting: TeacherPostingTable;
  trainer_profile: TrainerProfileTable;
  trainer_training: TrainerTrainingTable;
  training_class: TrainingClassTable;
  training_class_quota: TrainingClassQuotaTable;
  training_class_trainer: TrainingClassTrainerTable;
  training_plan: TrainingPlanTable;
  training_plan_item: TrainingPlanItemTable;
  training_plan_version: TrainingPlanVersionTable;
  training_project: TrainingProjectTable;
  training_project_course: TrainingProjectCourseTable;
  training_session: TrainingSessionTable;
  user_session: UserSessionTable;
  xapi_activity: XapiActivityTable;
  xapi_attachment: XapiAttachmentTable;
  xapi_document: XapiDocumentTable;
  xapi_own_state: XapiOwnStateTable;
  xapi_statement: XapiStatementTable;
}
