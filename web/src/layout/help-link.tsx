import { QuestionCircleOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { helpUrl } from '../lib/help-section';

/**
 * 帮助: the operator's manual at the section of the page shown, in a new tab so the page stays as it
 * is. On a phone the icon alone.
 */
export function HelpLink({ phone }: { phone: boolean }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <Button
      type="text"
      href={helpUrl(pathname)}
      target="_blank"
      rel="noopener"
      icon={<QuestionCircleOutlined />}
      aria-label={t('help.link')}
      title={t('help.title')}
      data-testid="help-link"
    >
      {!phone && t('help.link')}
    </Button>
  );
}
