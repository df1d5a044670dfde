import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, type ButtonProps } from 'antd';
import { useState } from 'react';
import { saveFile, type DownloadedFile } from '../api/client';
import { useErrorMessage } from '../lib/error-message';

/**
 * A button that fetches a file and saves it: loading while the file comes, a failure shown as a
 * message. `fileName` is used when the server names none.
 */
export function DownloadButton({
  file,
  fileName,
  icon = <DownloadOutlined />,
  ...props
}: Omit<ButtonProps, 'onClick' | 'loading'> & { file: () => Promise<DownloadedFile>; fileName: string }) {
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      {...props}
      icon={icon}
      loading={busy}
      onClick={() => {
        setBusy(true);
        file()
          .then((f) => saveFile(f, fileName))
          .catch((err: unknown) => message.error(errorMessage(err)))
          .finally(() => setBusy(false));
      }}
    />
  );
}
