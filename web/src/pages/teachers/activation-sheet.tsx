import { CloseOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { ActivationCode } from '../../api/types';
import { QrSvg } from '../../components/qr-svg';
import { activationLink } from '../../lib/activation-link';
import { formatDate } from '../../lib/format';

const PRINTING_CLASS = 'activation-sheet-open';

/** `ABCDEFGH` as `ABCD-EFGH`: easier to read off paper; the server ignores the hyphen. */
export function groupCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}

/** Where teachers activate, as printed on the slips. */
export function activationUrl(): string {
  return `${window.location.origin}/activate`;
}

function Slip({ item }: { item: ActivationCode }) {
  const { t } = useTranslation();
  return (
    <div className="activation-slip" data-testid="activation-slip">
      <div className="activation-slip-head">
        <span className="activation-slip-school">{item.orgUnitName}</span>
        <span>{t('teachers.activation.slipTitle')}</span>
      </div>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <div className="activation-slip-row">
            <span className="activation-slip-label">{t('teachers.fields.name')}</span>
            <strong data-testid="activation-slip-name">{item.name}</strong>
          </div>
          <div className="activation-slip-row">
            <span className="activation-slip-label">{t('teachers.fields.idNumber')}</span>
            <span className="identifier">{item.idNumberMasked}</span>
          </div>
          <div className="activation-slip-row">
            <span className="activation-slip-label">{t('teachers.activation.code')}</span>
            <span className="activation-slip-code" data-testid="activation-slip-code" data-code={item.code}>
              {groupCode(item.code)}
            </span>
          </div>
          <div className="activation-slip-row">
            <span className="activation-slip-label">{t('teachers.activation.expires')}</span>
            <span>{formatDate(item.expiresAt)}</span>
          </div>
        </div>
        {/* the activation page with this code filled in: the teacher scans, types the ID number and a password */}
        <QrSvg
          text={activationLink(window.location.origin, item.code)}
          size={84}
          label={t('teachers.activation.qrLabel')}
          testId="activation-slip-qr"
        />
      </div>
      <div className="activation-slip-help">{t('teachers.activation.instructions', { url: activationUrl() })}</div>
    </div>
  );
}

/**
 * Freshly issued activation codes as cut-out slips on a sheet that prints on A4, laid over the
 * whole app (the app itself is hidden when printing). The codes exist only here: once the sheet
 * is closed they cannot be shown again, so closing asks first.
 */
export function ActivationSheet({ items, onClose }: { items: ActivationCode[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { modal } = App.useApp();

  useEffect(() => {
    document.body.classList.add(PRINTING_CLASS);
    return () => document.body.classList.remove(PRINTING_CLASS);
  }, []);

  const close = () =>
    modal.confirm({
      title: t('teachers.activation.closeConfirmTitle'),
      content: t('teachers.activation.closeConfirmText'),
      okText: t('teachers.activation.close'),
      cancelText: t('common.cancel'),
      onOk: onClose,
    });

  const reactivations = items.filter((item) => item.hadAccount).length;

  return createPortal(
    <div
      className="activation-sheet"
      role="dialog"
      aria-modal="true"
      aria-label={t('teachers.activation.sheetTitle')}
      data-testid="activation-sheet"
    >
      <div className="activation-sheet-toolbar">
        <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('teachers.activation.sheetTitle')}
            </Typography.Title>
            <Typography.Text type="secondary" data-testid="activation-sheet-count">
              {t('teachers.activation.count', { count: items.length })}
            </Typography.Text>
          </div>
          <Space wrap>
            <Button
              type="primary"
              icon={<PrinterOutlined />}
              onClick={() => window.print()}
              data-testid="activation-sheet-print"
            >
              {t('teachers.activation.print')}
            </Button>
            <Button icon={<CloseOutlined />} onClick={close} data-testid="activation-sheet-close">
              {t('teachers.activation.close')}
            </Button>
          </Space>
        </Space>
        <Alert type="warning" showIcon title={t('teachers.activation.onceNotice')} style={{ marginTop: 12 }} />
        {reactivations > 0 && (
          <Alert
            type="info"
            showIcon
            title={t('teachers.activation.reactivateNotice', { count: reactivations })}
            style={{ marginTop: 8 }}
          />
        )}
      </div>
      <div className="activation-slips">
        {items.map((item) => (
          <Slip key={item.teacherId} item={item} />
        ))}
      </div>
    </div>,
    document.body,
  );
}
