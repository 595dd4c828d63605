import { A } from '@solidjs/router';
import { t } from '../i18n';

export function NotFound() {
  return (
    <section class="card">
      <h1>{t('app.notFound')}</h1>
      <A href="/">{t('app.backHome')}</A>
    </section>
  );
}
