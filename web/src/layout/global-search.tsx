import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Empty, Input, Modal, Popover, Spin, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { homeApi, homeKeys, type SearchResult } from '../api/home.api';
import { useErrorMessage } from '../lib/error-message';

const KINDS = ['teachers', 'projects', 'courses', 'certificates'] as const;
type Kind = (typeof KINDS)[number];

/** The list each kind's "all results" opens, searched for the same text. */
const LIST_OF: Record<Kind, (q: string) => string> = {
  teachers: (q) => `/teachers?q=${encodeURIComponent(q)}`,
  projects: (q) => `/training?q=${encodeURIComponent(q)}`,
  courses: (q) => `/courses?q=${encodeURIComponent(q)}`,
  certificates: (q) => `/certificates?q=${encodeURIComponent(q)}`,
};

interface Line {
  key: string;
  to: string;
  main: ReactNode;
  note: ReactNode;
}

function linesOf(kind: Kind, r: SearchResult, t: (k: string) => string): Line[] {
  switch (kind) {
    case 'teachers':
      return r.teachers.items.map((x) => ({
        key: `t${x.id}`,
        to: `/teachers/${x.id}`,
        main: x.name,
        note: `${x.idNumberMasked} · ${x.orgUnitName}`,
      }));
    case 'projects':
      return r.projects.items.map((x) => ({
        key: `p${x.id}`,
        to: `/training/${x.id}`,
        main: x.title,
        note: `${x.year} · ${x.orgUnitName}`,
      }));
    case 'courses':
      return r.courses.items.map((x) => ({
        key: `c${x.id}`,
        to: `/courses?q=${encodeURIComponent(x.title)}`,
        main: x.title,
        note: x.orgUnitName,
      }));
    case 'certificates':
      return r.certificates.items.map((x) => ({
        key: `z${x.id}`,
        to: `/certificates?cycle=${x.cycleId}&q=${encodeURIComponent(x.code)}`,
        main: `${x.teacherName} · ${x.code}`,
        note: t(`certificates.statuses.${x.status}`),
      }));
  }
}

function Results({ q, onPick }: { q: string; onPick: () => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const res = useQuery({ queryKey: homeKeys.search(q), queryFn: () => homeApi.search(q), retry: false });
  if (res.isPending) return <Spin size="small" />;
  if (res.isError) return <Typography.Text type="danger">{errorMessage(res.error)}</Typography.Text>;
  const r = res.data;
  const found = KINDS.filter((k) => r[k].items.length > 0);
  if (found.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('search.none')} />;
  return (
    <div className="global-search-results" data-testid="global-search-results">
      {found.map((kind) => (
        <div key={kind} className="global-search-group" data-testid={`search-group-${kind}`}>
          <Typography.Text type="secondary" strong>
            {t(`search.kinds.${kind}`)}
          </Typography.Text>
          {linesOf(kind, r, t).map((line) => (
            <Link key={line.key} to={line.to} onClick={onPick} className="global-search-line" data-testid="search-hit">
              <span>{line.main}</span>
              <Typography.Text type="secondary" ellipsis>
                {line.note}
              </Typography.Text>
            </Link>
          ))}
          {r[kind].more && (
            <Link to={LIST_OF[kind](q)} onClick={onPick} data-testid={`search-more-${kind}`}>
              {t('search.more')}
            </Link>
          )}
        </div>
      ))}
    </div>
  );
}

/**
 * The administrators' search in the header: teachers, projects, courses and certificates of their
 * subtree by name or number, run on Enter (a full ID number is a recorded lookup, so not one per key).
 */
export function GlobalSearch({ phone }: { phone: boolean }) {
  const { t } = useTranslation();
  const location = useLocation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [atPath, setAtPath] = useState(location.pathname);
  // a page change closes the results
  if (atPath !== location.pathname) {
    setAtPath(location.pathname);
    setOpen(false);
  }
  const run = (value: string) => {
    const v = value.trim();
    setQ(v);
    setOpen(v.length > 0);
  };
  const box = (
    <Input.Search
      value={text}
      onChange={(e) => setText(e.target.value)}
      onSearch={run}
      placeholder={t('search.placeholder')}
      aria-label={t('search.label')}
      allowClear
      maxLength={60}
      className="global-search-input"
      data-testid="global-search"
    />
  );
  const results = q ? <Results q={q} onPick={() => setOpen(false)} /> : null;
  if (phone)
    return (
      <>
        <Button
          type="text"
          icon={<SearchOutlined />}
          aria-label={t('search.label')}
          onClick={() => setOpen(true)}
          data-testid="global-search-open"
        />
        <Modal open={open} onCancel={() => setOpen(false)} footer={null} title={t('search.label')} destroyOnHidden>
          {box}
          <div style={{ marginTop: 12 }}>{results}</div>
        </Modal>
      </>
    );
  return (
    <Popover
      open={open && !!results}
      onOpenChange={(v) => !v && setOpen(false)}
      trigger="click"
      placement="bottomLeft"
      content={results}
      arrow={false}
    >
      <div className="global-search">{box}</div>
    </Popover>
  );
}
