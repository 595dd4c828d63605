import { A, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { fetchInvitations, respondToInvitation, type Invitation } from '../api/partnerships';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { createSubmission } from '../forms';
import { formatBps, formatDate, t } from '../i18n';
import { reconnectRealtime, useRoom } from '../realtime';
import { valueOf } from '../resource';
import { refetchMe } from '../session';

/** `/espace/:organisationId/invitations`: the actor answers, place by place, the partnerships that invite it. */
export function InvitationsPage() {
  const params = useParams();
  return (
    <Show when={Number(params.organisationId)} keyed>
      {(organisationId) => <InvitationsView organisationId={organisationId} />}
    </Show>
  );
}

const keyOf = (invitation: Invitation) => `${invitation.partnershipId}:${invitation.placeId}`;

function InvitationsView(props: { organisationId: number }) {
  const [loaded, { refetch }] = createResource(() => props.organisationId, fetchInvitations);
  const [invitations, setInvitations] = createStore<(Invitation & { key: string })[]>([]);
  createEffect(() => {
    const list = valueOf(loaded);
    if (list) setInvitations(reconcile(list.map((i) => ({ ...i, key: keyOf(i) })), { key: 'key' }));
  });
  const [announcement, setAnnouncement] = createSignal('');
  const [outcome, setOutcome] = createSignal<{ message: string; partnershipId?: number }>();
  const submission = createSubmission();
  let heading: HTMLHeadingElement | undefined;

  // The lead's invitations (and withdrawals of them) reach the organisation's room.
  useRoom(
    `org:${props.organisationId}`,
    'partnership.updated',
    () => {
      setAnnouncement(t('invitations.updated'));
      void refetch();
    },
    () => void refetch(),
  );

  const respond = async (invitation: Invitation, accept: boolean) => {
    setOutcome(undefined);
    const ok = await submission.run(() => respondToInvitation({ partnershipId: invitation.partnershipId, placeId: invitation.placeId, accept }));
    if (!ok) return;
    const names = { place: invitation.placeName, partnership: invitation.partnershipName };
    setOutcome(accept ? { message: t('invitations.accepted', names), partnershipId: invitation.partnershipId } : { message: t('invitations.declined', names) });
    // The answered row disappears: the focus goes back to the page's heading, not to the void.
    heading?.focus();
    void refetch();
    if (accept) {
      // Joining makes the user a member of the partnership's organisation: menu and socket rights follow.
      await refetchMe();
      reconnectRealtime();
    }
  };

  return (
    <section aria-labelledby="invitations-title">
      <p class="eyebrow">{t('kind.actor')}</p>
      <h1 id="invitations-title" tabindex="-1" ref={(el) => (heading = el)}>
        {t('invitations.title')}
      </h1>
      <p>{t('invitations.intro')}</p>
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement()}
      </p>
      <FormAlert message={submission.error()} testid="invitation-error" />
      <Show when={outcome()}>
        {(o) => (
          <p class="success" role="status" data-testid="invitation-outcome">
            {o().message}{' '}
            <Show when={o().partnershipId}>{(id) => <A href={`/partenariats/${id()}`}>{t('invitations.open')}</A>}</Show>
          </p>
        )}
      </Show>
      <Show when={loaded.error}>
        <ErrorBox error={loaded.error} />
      </Show>
      <Show when={valueOf(loaded)} fallback={<Show when={!loaded.error}><p class="loading">{t('app.loading')}</p></Show>}>
        <Show when={invitations.length > 0} fallback={<p data-testid="invitations-empty">{t('invitations.empty')}</p>}>
          <ul class="queue">
            <For each={invitations}>
              {(invitation) => (
                <li class="card" data-testid="invitation-row" data-partnership-id={invitation.partnershipId} data-place-id={invitation.placeId} aria-labelledby={`invitation-${invitation.key}`}>
                  <h2 id={`invitation-${invitation.key}`} class="card-title">
                    {invitation.partnershipName}
                  </h2>
                  <dl class="facts compact">
                    <div>
                      <dt>{t('partnerships.kind')}</dt>
                      <dd>{t(`partnershipKind.${invitation.kind}`)}</dd>
                    </div>
                    <div>
                      <dt>{t('invitations.place')}</dt>
                      <dd>{invitation.placeName}</dd>
                    </div>
                    <div>
                      <dt>{t('partnerships.fee')}</dt>
                      <dd>{t('partnerships.feeValue', { percent: formatBps(invitation.poolingFeeBps) })}</dd>
                    </div>
                    <div>
                      <dt>{t('partnershipPage.charter')}</dt>
                      <dd class="description">{invitation.charter || t('partnershipPage.noCharter')}</dd>
                    </div>
                  </dl>
                  <p class="muted">{t('invitations.invitedOn', { date: formatDate(invitation.invitedAt) })}</p>
                  <div class="actions">
                    <button type="button" class="button" disabled={submission.pending()} onClick={() => void respond(invitation, true)} data-testid="accept-invitation">
                      {t('invitations.accept')}
                      <span class="visually-hidden"> {t('invitations.forPlace', { place: invitation.placeName })}</span>
                    </button>
                    <button
                      type="button"
                      class="button danger-outline"
                      disabled={submission.pending()}
                      onClick={() => void respond(invitation, false)}
                      data-testid="decline-invitation"
                    >
                      {t('invitations.decline')}
                      <span class="visually-hidden"> {t('invitations.forPlace', { place: invitation.placeName })}</span>
                    </button>
                  </div>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
