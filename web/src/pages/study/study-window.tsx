import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

/** Where a study window stands today: open (until when), not yet open (from when), or over. */
export function StudyWindowTag(props: {
  studyOpensOn: string;
  studyClosesOn: string;
  openNow: boolean;
  opened: boolean;
}) {
  const { t } = useTranslation();
  if (props.openNow)
    return (
      <Tag color="green" data-testid="study-window">
        {t('study.window.open', { to: props.studyClosesOn })}
      </Tag>
    );
  if (!props.opened)
    return (
      <Tag color="gold" data-testid="study-window">
        {t('study.window.notYet', { from: props.studyOpensOn })}
      </Tag>
    );
  return <Tag data-testid="study-window">{t('study.window.over', { to: props.studyClosesOn })}</Tag>;
}
