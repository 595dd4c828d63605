import { A, useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { saveLocale } from '../api/auth';
import { fetchInvitations } from '../api/partnerships';
import { locale, setLocale, t } from '../i18n';
import { currentMembership, me, selectOrganisation, signOut } from '../session';
import { useRoom } from '../realtime';
import { valueOf } from '../resource';
import { LiveIndicator } from './live-indicator';

export function Layout(props: RouteSectionProps) {
  const navigate = useNavigate();
  const isOperator = () => me()?.memberships.some((m) => m.organisationKind === 'operator') ?? false;
  const [pendingInvitations, setPendingInvitations] = createSignal(0);
  /** The actor whose invitations the menu counts: the organisation the user acts for, if an actor. */
  const actorId = () => {
    const membership = currentMembership();
    return membership?.organisationKind === 'actor' ? membership.organisationId : undefined;
  };

  /** Links for the organisation the user acts for; the operator's pages whatever it acts for. */
  const links = () => {
    const membership = currentMembership();
    const list: { href: string; label: string; count?: number }[] = [];
    if (membership?.organisationKind === 'actor') {
      list.push({ href: `/espace/${membership.organisationId}`, label: t('nav.myPlaces') });
      list.push({ href: `/espace/${membership.organisationId}/commandes`, label: t('nav.openOrders') });
      list.push({ href: '/partenariats', label: t('nav.partnerships') });
      list.push({ href: `/espace/${membership.organisationId}/invitations`, label: t('nav.invitations'), count: pendingInvitations() });
    } else if (membership?.organisationKind === 'funder') {
      list.push({ href: `/espace/${membership.organisationId}`, label: t('nav.myOrders') });
      list.push({ href: `/espace/${membership.organisationId}/depenses`, label: t('nav.spending') });
      list.push({ href: '/campagnes', label: t('nav.rounds') });
    } else if (membership && membership.organisationKind !== 'operator') {
      list.push({ href: `/espace/${membership.organisationId}`, label: t('nav.home') });
      if (membership.organisationKind === 'partnership') list.push({ href: '/partenariats', label: t('nav.partnerships') });
    }
    // Each organisation reads the part of the audit trail that concerns it.
    if (membership && membership.organisationKind !== 'operator') list.push({ href: `/espace/${membership.organisationId}/journal`, label: t('nav.audit') });
    if (isOperator()) {
      list.push({ href: '/national', label: t('nav.national') });
      list.push({ href: '/campagnes', label: t('nav.rounds') });
      list.push({ href: '/qualification', label: t('nav.qualification') });
      list.push({ href: '/reglements', label: t('nav.settlements') });
      list.push({ href: '/cantonnement', label: t('nav.safeguarding') });
      list.push({ href: '/journal', label: t('nav.audit') });
    }
    return list;
  };

  const switchLanguage = () => {
    const next = locale() === 'fr' ? 'en' : 'fr';
    setLocale(next);
    if (me()) void saveLocale(next);
  };

  const onSignOut = async () => {
    await signOut();
    navigate('/connexion');
  };

  // The kiosk is projected at a round's event: no header, no menu, nothing to click.
  const location = useLocation();
  const kiosk = () => /^\/campagnes\/[^/]+\/kiosque\/?$/.test(location.pathname);

  return (
    <Show
      when={!kiosk()}
      fallback={
        <main id="main" class="kiosk-main">
          {props.children}
        </main>
      }
    >
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="site-header">
        <div class="brand">
          <A href="/" class="brand-name">
            {t('app.name')}
          </A>
          <span class="brand-tagline">{t('app.tagline')}</span>
        </div>
        <div class="header-tools">
          <LiveIndicator />
          <button type="button" class="link-button" onClick={switchLanguage} lang={locale() === 'fr' ? 'en' : 'fr'}>
            {t('nav.switchTo')}
          </button>
        </div>
      </header>
      <Show when={me() && actorId()} keyed>
        {(organisationId) => <InvitationCounter organisationId={organisationId} onCount={setPendingInvitations} />}
      </Show>
      <Show when={me()}>
        {(user) => (
          <nav class="main-nav" aria-label={t('nav.main')}>
            <ul>
              <For each={links()} fallback={<li><A href="/" end>{t('nav.home')}</A></li>}>
                {(link) => (
                  <li>
                    <A href={link.href} end>
                      {link.label}
                      <Show when={link.count}>
                        {(count) => (
                          <>
                            {' '}
                            <span class="nav-count" aria-hidden="true">
                              {count()}
                            </span>
                            <span class="visually-hidden">({t('nav.invitationsPending', { count: count() })})</span>
                          </>
                        )}
                      </Show>
                    </A>
                  </li>
                )}
              </For>
            </ul>
            <div class="nav-user">
              <Show
                when={user().memberships.length > 1}
                fallback={<span>{currentMembership()?.organisationName}</span>}
              >
                <label for="org-switcher">{t('nav.organisation')}</label>
                <select
                  id="org-switcher"
                  value={currentMembership()?.organisationId}
                  onChange={(e) => {
                    const id = Number(e.currentTarget.value);
                    selectOrganisation(id);
                    navigate(`/espace/${id}`);
                  }}
                >
                  <For each={user().memberships}>
                    {(m) => <option value={m.organisationId}>{m.organisationName}</option>}
                  </For>
                </select>
              </Show>
              <A href="/compte" class="user-name" data-testid="account-link">
                {user().name}
              </A>
              <button type="button" class="button secondary" onClick={onSignOut}>
                {t('nav.signOut')}
              </button>
            </div>
          </nav>
        )}
      </Show>
      <main id="main" tabindex="-1">
        {props.children}
      </main>
    </Show>
  );
}

/** Counts the actor's pending invitations for the menu, live on the organisation's room. Renders nothing. */
function InvitationCounter(props: { organisationId: number; onCount: (count: number) => void }) {
  const [invitations, { refetch }] = createResource(() => props.organisationId, fetchInvitations);
  useRoom(`org:${props.organisationId}`, 'partnership.updated', () => void refetch(), () => void refetch());
  createEffect(() => props.onCount(valueOf(invitations)?.length ?? 0));
  onCleanup(() => props.onCount(0));
  return null;
}
