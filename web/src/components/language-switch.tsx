import { GlobalOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage } from '../i18n/i18n';

/** One button that flips between 中文 and English; the choice is remembered. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <Button
      type="text"
      icon={<GlobalOutlined />}
      onClick={() => void changeLanguage(next)}
      data-testid="lang-switch"
      aria-label={t('common.switchLanguage')}
      lang={next}
    >
      {currentLanguage() === 'en' ? '中文' : 'English'}
    </Button>
  );
}
