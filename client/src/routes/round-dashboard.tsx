import { useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import { RoundDashboardView } from '../components/round-dashboard';
import { t } from '../i18n';

/** `/campagnes/:roundId`: a round's live dashboard for signed-in participants. */
export function RoundDashboardPage() {
  const params = useParams();
  return (
    <Show when={Number(params.roundId)} keyed fallback={<h1>{t('app.notFound')}</h1>}>
      {(roundId) => <RoundDashboardView roundId={roundId} audience="member" testid="round-dashboard" />}
    </Show>
  );
}

/** `/public/campagnes/:roundId`: the public, read-only link of a round — aggregates only, signed out. */
export function PublicRoundPage() {
  const params = useParams();
  return (
    <Show when={Number(params.roundId)} keyed fallback={<h1>{t('app.notFound')}</h1>}>
      {(roundId) => <RoundDashboardView roundId={roundId} audience="public" testid="public-round" />}
    </Show>
  );
}
