import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Button, DatePicker, Input, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { auditLogApi } from '../../api/audit-log.api';
import { orgUnitsApi } from '../../api/org-units.api';
import { queryKeys } from '../../api/query-keys';
import { AUDIT_OUTCOMES, type AuditEntry, type AuditOutcome, type AuditQuery, type OrgUnitRef } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { DEFAULT_LANGUAGE } from '../../i18n/i18n';
import { RoleLabel } from '../../components/labels';
import { ListFilter, ListPage, ListTable, ListToolbar, useListQuery, useListSearch } from '../../components/list-page';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { chinaDayBoundary, formatDate, formatDateTime } from '../../lib/format';
import { toPositiveInt } from '../../lib/use-search-state';
import { auditActor, auditActorText } from './audit-actor';

const SEARCH_KEYS = ['unit', 'action', 'outcome', 'actor', 'from', 'to', 'page', 'size'] as const;
/** What the server accepts as an action filter. */
const ACTION_PATTERN = /^[a-z_.]*$/;
const OUTCOME_COLORS: Record<AuditOutcome, string> = { success: 'green', failure: 'orange', denied: 'red' };

function dayValue(day: string | undefined): Dayjs | null {
  if (!day) return null;
  const value = dayjs(day);
  return value.isValid() ? value : null;
}

function isOutcome(value: string | undefined): value is AuditOutcome {
  return AUDIT_OUTCOMES.includes(value as AuditOutcome);
}

/** `YYYY-MM-DD` (a China day) → ISO instant at the start or the end of that day. */
function dayBoundary(day: string | undefined, end: boolean): string | undefined {
  return day ? chinaDayBoundary(day, end) : undefined;
}

export default function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const [actorText, setActorText] = useState(search.actor ?? '');
  const [actionText, setActionText] = useState(search.action ?? '');

  // Every action the UI has a name for, offered as suggestions in the action filter.
  const knownActions = useMemo(() => {
    const bundle = i18n.getResourceBundle(DEFAULT_LANGUAGE, 'translation') as { actions?: Record<string, string> };
    return Object.keys(bundle.actions ?? {});
  }, [i18n]);

  const actionValid = ACTION_PATTERN.test(actionText.trim());

  const actionLabel = (action: string) => {
    const key = `actions.${action}`;
    return i18n.exists(key) ? t(key) : action;
  };

  const ownUnit: OrgUnitRef = useMemo(
    () => ({ id: me.orgUnit.id, name: me.orgUnit.name, kind: me.orgUnit.kind }),
    [me.orgUnit.id, me.orgUnit.name, me.orgUnit.kind],
  );
  const unitId = search.unit ? toPositiveInt(search.unit, me.orgUnit.id) : undefined;
  const pickedUnit = useQuery({
    queryKey: queryKeys.orgUnit(unitId ?? 0),
    queryFn: () => orgUnitsApi.get(unitId ?? 0),
    enabled: unitId !== undefined && unitId !== me.orgUnit.id,
    staleTime: 60_000,
  });
  const picked = pickedUnit.data?.unit;
  const unitOptions = useMemo(
    () =>
      picked && picked.id !== ownUnit.id
        ? [ownUnit, { id: picked.id, name: picked.name, kind: picked.kind }]
        : [ownUnit],
    [ownUnit, picked],
  );

  const query: AuditQuery = {
    orgUnitId: unitId,
    action: search.action,
    outcome: isOutcome(search.outcome) ? search.outcome : undefined,
    actor: search.actor,
    from: dayBoundary(search.from, false),
    to: dayBoundary(search.to, true),
    page: paging.page,
    pageSize: paging.pageSize,
  };

  const list = useListQuery(queryKeys.auditLog(query), () => auditLogApi.list(query));

  const columns: TableColumnsType<AuditEntry> = [
    {
      title: t('audit.fields.at'),
      dataIndex: 'at',
      width: 150,
      // a row kept to the day (a survey answer) shows its date alone, not a midnight that never happened
      render: (value: string, row: AuditEntry) =>
        row.dayOnly ? (
          <Tooltip title={t('audit.dayOnly')}>
            <span data-testid="audit-day-only">{formatDate(value)}</span>
          </Tooltip>
        ) : (
          formatDateTime(value)
        ),
    },
    {
      title: t('audit.fields.actor'),
      dataIndex: 'actorUsername',
      render: (_: string | null, entry: AuditEntry) => {
        const actor = auditActor(entry);
        const text = auditActorText(actor, t);
        return actor.kind === 'user' ? (
          text
        ) : (
          <Typography.Text type="secondary" data-testid={`audit-actor-${actor.kind}`}>
            {text}
          </Typography.Text>
        );
      },
    },
    {
      title: t('audit.fields.role'),
      dataIndex: 'actorRole',
      responsive: ['md'],
      render: (value: string | null) => <RoleLabel role={value} />,
    },
    {
      title: t('audit.fields.action'),
      dataIndex: 'action',
      render: (value: string) => (
        <span title={value} data-testid="audit-action">
          {actionLabel(value)}
        </span>
      ),
    },
    {
      title: t('audit.fields.target'),
      key: 'target',
      responsive: ['md'],
      render: (_, entry) =>
        entry.targetLabel ??
        (entry.targetType ? `${entry.targetType}${entry.targetId ? ` #${entry.targetId}` : ''}` : '—'),
    },
    {
      title: t('audit.fields.ip'),
      dataIndex: 'ip',
      responsive: ['lg'],
      render: (value: string | null) => value ?? '—',
    },
    {
      title: t('audit.fields.outcome'),
      dataIndex: 'outcome',
      render: (value: AuditOutcome, entry) => (
        <Tag color={OUTCOME_COLORS[value] ?? 'default'} title={entry.errorCode ?? undefined}>
          {t(`audit.outcomes.${value}`, { defaultValue: value })}
        </Tag>
      ),
    },
  ];

  const filtering = Boolean(search.unit || search.action || search.outcome || search.actor || search.from || search.to);

  return (
    <ListPage title={t('audit.title')}>
      <ListToolbar>
        <OrgUnitPicker
          className="toolbar-item"
          allowClear
          placeholder={t('audit.allUnits')}
          value={unitId}
          initialOptions={unitOptions}
          onChange={(id) => setSearch({ unit: id === undefined ? undefined : String(id) })}
        />
        <AutoComplete
          className="toolbar-item"
          value={actionText}
          options={knownActions
            .filter((action) => {
              const text = actionText.trim().toLowerCase();
              return !text || action.includes(text) || actionLabel(action).toLowerCase().includes(text);
            })
            .map((action) => ({ value: action, label: `${actionLabel(action)} · ${action}` }))}
          onChange={(value: string) => {
            setActionText(value);
            if (!value) setSearch({ action: undefined });
          }}
          onSelect={(value: string) => setSearch({ action: value })}
          onBlur={() => {
            if (actionValid) setSearch({ action: actionText.trim() || undefined });
          }}
          status={actionValid ? undefined : 'error'}
          title={actionValid ? undefined : t('audit.actionInvalid')}
          allowClear
          placeholder={t('audit.fields.action')}
          popupMatchSelectWidth={280}
        />
        <ListFilter
          className="toolbar-item"
          placeholder={t('audit.allOutcomes')}
          value={query.outcome}
          values={AUDIT_OUTCOMES}
          label={(value) => t(`audit.outcomes.${value}`)}
          onChange={(outcome) => setSearch({ outcome })}
        />
        <Input.Search
          allowClear
          className="toolbar-item"
          placeholder={t('audit.fields.actorUsername')}
          value={actorText}
          onChange={(event) => setActorText(event.target.value)}
          onSearch={(value) => setSearch({ actor: value.trim() || undefined })}
        />
        <DatePicker.RangePicker
          className="toolbar-item audit-range"
          allowEmpty={[true, true]}
          value={[dayValue(search.from), dayValue(search.to)]}
          placeholder={[t('audit.from'), t('audit.to')]}
          onChange={(dates) =>
            setSearch({
              from: dates?.[0]?.format('YYYY-MM-DD') ?? undefined,
              to: dates?.[1]?.format('YYYY-MM-DD') ?? undefined,
            })
          }
        />
        {filtering && (
          <Button
            onClick={() => {
              setActorText('');
              setActionText('');
              setSearch({
                unit: undefined,
                action: undefined,
                outcome: undefined,
                actor: undefined,
                from: undefined,
                to: undefined,
              });
            }}
          >
            {t('common.clearFilters')}
          </Button>
        )}
      </ListToolbar>
      <ListTable<AuditEntry>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={filtering ? t('common.noMatch') : t('audit.empty')}
        data-testid="audit-table"
        expandable={{
          rowExpandable: (entry) => entry.details !== null || entry.errorCode !== null,
          expandedRowRender: (entry) => (
            <div>
              {entry.errorCode && (
                <Typography.Paragraph>
                  {t('audit.fields.errorCode')}: <Typography.Text code>{entry.errorCode}</Typography.Text>
                </Typography.Paragraph>
              )}
              {entry.details !== null && <pre className="details-json">{JSON.stringify(entry.details, null, 2)}</pre>}
            </div>
          ),
        }}
      />
    </ListPage>
  );
}
