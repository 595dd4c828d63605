import { t } from '../i18n';

export function ErrorBox(props: { error: unknown }) {
  const message = () => (props.error instanceof Error ? props.error.message : String(props.error));
  return (
    <p class="alert error" role="alert">
      {t('app.error', { message: message() })}
    </p>
  );
}
