import { Alert, Flex, Typography } from 'antd';

/** A secret the server shows only once (password, API token), ready to copy. */
export function OneTimeSecret({ value, warning, testId }: { value: string; warning: string; testId?: string }) {
  return (
    <Flex vertical gap="middle">
      <Alert type="warning" showIcon title={warning} />
      <div className="secret-box">
        <Typography.Text
          code
          copyable={{ text: value }}
          className="secret-text"
          data-testid={testId ?? 'one-time-secret'}
        >
          {value}
        </Typography.Text>
      </div>
    </Flex>
  );
}
