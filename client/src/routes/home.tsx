import { Navigate } from '@solidjs/router';
import { Match, Switch } from 'solid-js';
import { t } from '../i18n';
import { currentMembership, me } from '../session';

/** `/`: the sign-in page, or the space of the organisation the user last acted for. */
export function HomeRedirect() {
  return (
    <Switch fallback={<p class="loading">{t('app.loading')}</p>}>
      <Match when={me.state === 'ready' && !me()}>
        <Navigate href="/connexion" />
      </Match>
      <Match when={me.state === 'ready' && currentMembership()}>
        {(membership) => <Navigate href={`/espace/${membership().organisationId}`} />}
      </Match>
      <Match when={me.state === 'errored'}>
        <p class="alert error">{t('app.error', { message: String(me.error) })}</p>
      </Match>
    </Switch>
  );
}
