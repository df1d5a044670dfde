import { isAdmin, isWithin, outranks, type Role } from '../domain/org-tree.js';

/**
 * Who may do what where: the one place that decides access over the org subtree.
 * Services call `can`/`requireAccess` first; routes never decide access themselves.
 */
export interface Actor {
  userId: number;
  username: string;
  role: Role;
  orgUnitId: number;
  /** materialized path of the actor's unit, e.g. '/1/7/42/' */
  orgPath: string;
  provinceId: number;
}

export type Action =
  | 'org.read'
  | 'org.list_children'
  | 'org.search'
  | 'org.create_child'
  | 'org.update'
  | 'org.update_identity'
  | 'org.import_schools'
  | 'user.read'
  | 'user.manage'
  | 'audit.read'
  | 'token.manage'
  | 'teacher.read'
  | 'teacher.manage'
  | 'teacher.unmask'
  | 'teacher.transfer'
  | 'credit.read'
  | 'credit.register'
  | 'credit.rules'
  | 'credit.verify'
  | 'credit.sign_off'
  | 'credit.certify'
  | 'training.manage'
  | 'training.nominate'
  | 'course.read'
  | 'course.manage'
  | 'plan.read'
  | 'plan.manage'
  | 'plan.review'
  | 'trainer.read'
  | 'trainer.manage'
  | 'survey.results'
  | 'fee.read'
  | 'fee.manage'
  | 'message.remind'
  | 'notice.publish'
  | 'question.read'
  | 'question.manage'
  | 'exam.manage'
  | 'exam.results'
  | 'spotcheck.manage'
  | 'spotcheck.read'
  | 'backbone.open'
  | 'backbone.manage'
  | 'backbone.nominate'
  | 'backbone.confirm'
  | 'lrs.manage'
  | 'commendation.manage'
  | 'honour.read'
  | 'honour.revoke';

export interface Target {
  /** path of the unit the action is about (for org.create_child: the parent) */
  path: string;
  /** role of the account the action is about (user.manage) */
  role?: Role;
}

/**
 * Decides one action. Pure and total: every action is answered for every role.
 *
 * @example can({ role: 'county_admin', orgPath: '/1/2/3/', …}, 'org.read', { path: '/1/2/4/' }) // false: sibling county
 */
export function can(actor: Pick<Actor, 'role' | 'orgPath'>, action: Action, target: Target): boolean {
  const inside = isWithin(actor.orgPath, target.path);
  const below = inside && target.path !== actor.orgPath;
  const admin = isAdmin(actor.role);
  switch (action) {
    case 'org.read':
      // everyone sees their own unit; admins see their whole subtree
      return admin ? inside : target.path === actor.orgPath;
    case 'org.list_children':
      return admin && inside;
    case 'org.search':
      return admin;
    case 'org.create_child':
    case 'org.import_schools':
      return admin && inside;
    case 'org.update':
      // contact details of the own unit, anything of the units below
      return admin && inside;
    case 'org.update_identity':
      // name and codes of a unit are set from above, never by its own admin
      return admin && below;
    case 'user.read':
      return admin && inside;
    case 'user.manage':
      return admin && inside && target.role !== undefined && outranks(actor.role, target.role);
    case 'audit.read':
      return admin && inside;
    case 'token.manage':
      return admin;
    case 'teacher.read':
    case 'teacher.manage':
      // the registry of the subtree: list, open, add, change, import, transfer, activation codes
      return admin && inside;
    case 'teacher.transfer':
      // between schools of the actor's subtree; a school admin receives teachers by confirming a
      // transfer in a roster import instead
      return admin && inside && actor.role !== 'school_admin';
    case 'teacher.unmask':
      // ID numbers and phones in full (PIPL data minimisation): only the units that register
      // credits and keep the archives (school, county); city and province work with masked data
      return (actor.role === 'school_admin' || actor.role === 'county_admin') && inside;
    case 'credit.read':
      // ledger, progress and unit reports of the subtree
      return admin && inside;
    case 'credit.register':
    case 'credit.certify':
      // the school registers credits and keeps the archive; the county may do so for its schools
      return (actor.role === 'school_admin' || actor.role === 'county_admin') && inside;
    case 'credit.rules':
      // rules are set per province and cycle
      return actor.role === 'province_admin' && inside;
    case 'credit.verify':
      // the school opens, checks and submits its year (a county admin may act for a school)
      return (actor.role === 'school_admin' || actor.role === 'county_admin') && inside;
    case 'credit.sign_off':
      // the county signs off or returns a school's year, and approves changes to a locked year
      return actor.role === 'county_admin' && inside;
    case 'course.read':
      // a catalogue is inherited downward; an admin also reads the courses of the units below
      return admin && (inside || isWithin(target.path, actor.orgPath));
    case 'course.manage':
      // province, city and county keep catalogues; a school reads them
      return (
        (actor.role === 'province_admin' || actor.role === 'city_admin' || actor.role === 'county_admin') && inside
      );
    case 'training.manage':
      // each level's admins run the projects of their units (classes, sessions, quotas, bulk enrolment)
      return admin && inside;
    case 'training.nominate':
      // the school puts forward its own teachers within its quota
      return actor.role === 'school_admin' && inside;
    case 'plan.read':
      // the plans that apply to a unit come from it and every unit above it; admins also
      // read the plans of the units below
      return isWithin(target.path, actor.orgPath) || (admin && inside);
    case 'plan.manage':
      // each unit writes its own annual plan
      return admin && target.path === actor.orgPath;
    case 'plan.review':
      // 校本培训计划审批: the county approves or returns the plans of its schools
      return actor.role === 'county_admin' && below;
    case 'trainer.read':
      // a pool is shared downward, like a catalogue; an admin also reads the pools below
      return admin && (inside || isWithin(target.path, actor.orgPath));
    case 'trainer.manage':
      return admin && inside;
    case 'survey.results':
      // the organiser's subtree reads the answers (never who gave them)
      return admin && inside;
    case 'fee.read':
      // the organiser sees every unit's dues; a paying unit sees its own
      return admin && inside;
    case 'fee.manage':
      // the organiser sets fees and records what each unit paid
      return admin && inside && actor.role !== 'school_admin';
    case 'message.remind':
      // 催办: an admin reminds the admins of the units below (the county its schools)
      return admin && below;
    case 'notice.publish':
      // a bureau (county and above) publishes a notice to its own subtree
      return (
        (actor.role === 'province_admin' || actor.role === 'city_admin' || actor.role === 'county_admin') &&
        target.path === actor.orgPath
      );
    case 'question.read':
      // a question bank is shared downward like the catalogue; an admin also reads the banks below
      return admin && (inside || isWithin(target.path, actor.orgPath));
    case 'question.manage':
      // province, city and county keep banks (and may name trainers to keep them)
      return (
        (actor.role === 'province_admin' || actor.role === 'city_admin' || actor.role === 'county_admin') && inside
      );
    case 'exam.manage':
      // every level sets exams for its courses, classes and projects (a school: 校本考查)
      return admin && inside;
    case 'exam.results':
      // results, statistics and marking of the exams organised in the subtree; a unit reads its own
      // teachers' results of the exams organised above it
      return admin && inside;
    case 'spotcheck.manage':
      // R-34: a bureau (county and above) draws a sample of its units' teachers
      return (
        (actor.role === 'province_admin' || actor.role === 'city_admin' || actor.role === 'county_admin') && inside
      );
    case 'commendation.manage':
      // a bureau (county and above) commends the units, administrators and trainees of its subtree
      return (
        (actor.role === 'province_admin' || actor.role === 'city_admin' || actor.role === 'county_admin') && inside
      );
    case 'honour.read':
    case 'honour.revoke':
      // the honours of the subtree's units and people; revoked by the admins above the awarding unit too
      return admin && inside;
    case 'spotcheck.read':
      // the published list, the draw and the results: the organiser's subtree, and the units drawn from
      return admin && (inside || isWithin(target.path, actor.orgPath));
    case 'backbone.open':
      // a unit opens selection rounds of its own level (校级, 县级, 市级, 省级), never for another unit
      return admin && target.path === actor.orgPath;
    case 'backbone.manage':
      // the organiser's admins (and those above them) run a round and decide on the titles it granted
      return admin && inside;
    case 'backbone.nominate':
      // a unit puts forward teachers of its own subtree
      return admin && inside;
    case 'backbone.confirm':
      // a holder's yearly duties are confirmed by the school that keeps the archive (or its county)
      return (actor.role === 'school_admin' || actor.role === 'county_admin') && inside;
    case 'lrs.manage':
      // a bureau (county and above) keeps the credentials of the platforms reporting learning records for
      // its subtree, and maps or rejects their statements that matched nobody
      return (
        (actor.role === 'province_admin' || actor.role === 'city_admin' || actor.role === 'county_admin') && inside
      );
    default: {
      const never: never = action;
      return never;
    }
  }
}

/** Whether the target lies in the actor's subtree at all: outside it, the answer is "not found". */
export function inScope(actor: Pick<Actor, 'orgPath'>, path: string): boolean {
  return isWithin(actor.orgPath, path);
}
