import { Navigate } from '@solidjs/router';
import { Match, Switch, type JSX } from 'solid-js';
import { t } from '../i18n';
import { me, rememberReturn } from '../session';
import { ErrorBox } from './error-box';

/**
 * Private pages: sign-in first (the page asked for is taken back after it); the page and its
 * requests only start once the user is known.
 */
export function SignedIn(props: { children: JSX.Element }) {
  return (
    <Switch fallback={<p class="loading">{t('app.loading')}</p>}>
      <Match when={me.state === 'ready' && !me()}>
        {(() => {
          rememberReturn(window.location);
          return <Navigate href="/connexion" />;
        })()}
      </Match>
      <Match when={me.state === 'errored'}>
        <ErrorBox error={me.error} />
      </Match>
      <Match when={me()}>{props.children}</Match>
    </Switch>
  );
}
