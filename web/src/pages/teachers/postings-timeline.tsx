import { Empty, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TeacherPosting } from '../../api/types';

/** Notes the server writes itself on postings it opens (the rest were typed by an admin). */
const POSTING_NOTES: Record<string, string> = { import: 'import', 'transfer (import)': 'importTransfer' };

/** A teacher's postings, newest (where the teacher is now) on top. */
export function PostingsTimeline({
  postings,
  former = false,
}: {
  postings: readonly TeacherPosting[];
  former?: boolean;
}) {
  const { t } = useTranslation();
  const note = (reason: string) => {
    const key = POSTING_NOTES[reason];
    return key ? t(`teachers.postings.notes.${key}`) : reason;
  };
  if (postings.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teachers.postings.empty')} />;
  const newestFirst = [...postings].reverse();
  return (
    <Timeline
      data-testid="teacher-postings"
      items={newestFirst.map((posting, index) => ({
        key: `${posting.orgUnitId}-${posting.startedOn}-${index}`,
        color: posting.endedOn === null ? 'green' : 'gray',
        title: t('teachers.postings.period', {
          from: posting.startedOn,
          to: posting.endedOn ?? t('teachers.postings.now'),
        }),
        content: (
          <div>
            <Typography.Text strong>{posting.orgUnitName}</Typography.Text>
            {posting.endedOn === null && !former && (
              <Tag color="green" style={{ marginInlineStart: 8 }}>
                {t('teachers.postings.current')}
              </Tag>
            )}
            {posting.reason && (
              <div>
                <Typography.Text type="secondary">
                  {t('teachers.postings.reason', { reason: note(posting.reason) })}
                </Typography.Text>
              </div>
            )}
          </div>
        ),
      }))}
    />
  );
}
