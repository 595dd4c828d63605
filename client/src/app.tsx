import { Route, Router } from '@solidjs/router';
import { lazy, type Component } from 'solid-js';
import { Layout } from './components/layout';
import { SignedIn } from './components/signed-in';
import { HomeRedirect } from './routes/home';
import { NotFound } from './routes/not-found';

/**
 * Each page is its own chunk, fetched when its route is first shown: a live dashboard on a
 * projector or a phone loads the dashboard, not the forms (and their schemas) of every other page.
 * Only the shell (layout, session, i18n, realtime) and the two tiny redirect pages stay in the
 * entry chunk.
 */
const page = <K extends string>(load: () => Promise<Record<K, Component>>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));

const AccountPage = page(() => import('./routes/account'), 'AccountPage');
const ApplicationPage = page(() => import('./routes/application'), 'ApplicationPage');
const AcceptInvitationPage = page(() => import('./routes/accept-invitation'), 'AcceptInvitationPage');
const AuditPage = page(() => import('./routes/audit'), 'AuditPage');
const BookletPrintPage = page(() => import('./routes/booklet-print'), 'BookletPrintPage');
const CreditNotePage = page(() => import('./routes/credit-note'), 'CreditNotePage');
const CreditsPage = page(() => import('./routes/credits'), 'CreditsPage');
const DeliveryImportPage = page(() => import('./routes/delivery-import'), 'DeliveryImportPage');
const DraftEditorPage = page(() => import('./routes/draft-editor'), 'DraftEditorPage');
const FunderStatementPage = page(() => import('./routes/funder-statement'), 'FunderStatementPage');
const InvitationsPage = page(() => import('./routes/invitations'), 'InvitationsPage');
const NationalPage = page(() => import('./routes/national'), 'NationalPage');
const PublicNationalPage = page(() => import('./routes/national'), 'PublicNationalPage');
const NewOrderPage = page(() => import('./routes/new-order'), 'NewOrderPage');
const NewPartnershipPage = page(() => import('./routes/new-partnership'), 'NewPartnershipPage');
const OpenOrdersPage = page(() => import('./routes/open-orders'), 'OpenOrdersPage');
const OrderPage = page(() => import('./routes/order'), 'OrderPage');
const OrganisationSpace = page(() => import('./routes/organisation-space'), 'OrganisationSpace');
const PartnershipPage = page(() => import('./routes/partnership'), 'PartnershipPage');
const PartnershipsPage = page(() => import('./routes/partnerships'), 'PartnershipsPage');
const PlacePage = page(() => import('./routes/place'), 'PlacePage');
const PlaceStatementPage = page(() => import('./routes/place-statement'), 'PlaceStatementPage');
const PlacesImportPage = page(() => import('./routes/places-import'), 'PlacesImportPage');
const PrescribersPage = page(() => import('./routes/prescribers'), 'PrescribersPage');
const RedeemPassPage = page(() => import('./routes/redeem-pass'), 'RedeemPassPage');
const PassLinkPage = page(() => import('./routes/redeem-pass'), 'PassLinkPage');
const QualificationQueuePage = page(() => import('./routes/qualification-queue'), 'QualificationQueuePage');
const RoundDashboardPage = page(() => import('./routes/round-dashboard'), 'RoundDashboardPage');
const PublicRoundPage = page(() => import('./routes/round-dashboard'), 'PublicRoundPage');
const RoundKioskPage = page(() => import('./routes/round-kiosk'), 'RoundKioskPage');
const RoundsPage = page(() => import('./routes/rounds'), 'RoundsPage');
const SafeguardingPage = page(() => import('./routes/safeguarding'), 'SafeguardingPage');
const SettlementsPage = page(() => import('./routes/settlements'), 'SettlementsPage');
const SignInPage = page(() => import('./routes/sign-in'), 'SignInPage');
const SpendingPage = page(() => import('./routes/spending'), 'SpendingPage');

/** A private page: rendered once the user is known, the sign-in page otherwise. */
const privatePage = (Page: Component) => () => (
  <SignedIn>
    <Page />
  </SignedIn>
);

export function App() {
  return (
    <Router root={Layout}>
      <Route path="/" component={HomeRedirect} />
      <Route path="/connexion" component={SignInPage} />
      <Route path="/invitation/:token" component={AcceptInvitationPage} />
      <Route path="/compte" component={privatePage(AccountPage)} />
      <Route path="/espace/:organisationId" component={OrganisationSpace} />
      <Route path="/espace/:organisationId/candidature" component={privatePage(ApplicationPage)} />
      <Route path="/espace/:organisationId/import-lieux" component={privatePage(PlacesImportPage)} />
      <Route path="/espace/:organisationId/commandes" component={privatePage(OpenOrdersPage)} />
      <Route path="/espace/:organisationId/import-prestations" component={privatePage(DeliveryImportPage)} />
      <Route path="/espace/:organisationId/depenses" component={privatePage(SpendingPage)} />
      <Route path="/espace/:organisationId/avoirs" component={privatePage(CreditsPage)} />
      <Route path="/espace/:organisationId/releve" component={privatePage(FunderStatementPage)} />
      <Route path="/avoirs/:creditNoteId" component={privatePage(CreditNotePage)} />
      <Route path="/espace/:organisationId/invitations" component={privatePage(InvitationsPage)} />
      <Route path="/espace/:organisationId/prescripteurs" component={privatePage(PrescribersPage)} />
      <Route path="/carnets/:bookletId/imprimer" component={privatePage(BookletPrintPage)} />
      <Route path="/commandes/nouvelle" component={privatePage(NewOrderPage)} />
      <Route path="/commandes/:orderId" component={privatePage(OrderPage)} />
      <Route path="/lieux/:placeId" component={privatePage(PlacePage)} />
      <Route path="/lieux/:placeId/releves/:month" component={privatePage(PlaceStatementPage)} />
      <Route path="/lieux/:placeId/pass" component={privatePage(RedeemPassPage)} />
      <Route path="/pass" component={privatePage(PassLinkPage)} />
      <Route path="/partenariats" component={privatePage(PartnershipsPage)} />
      <Route path="/partenariats/nouveau" component={privatePage(NewPartnershipPage)} />
      <Route path="/partenariats/:partnershipId" component={privatePage(PartnershipPage)} />
      <Route path="/offres-communes/:bidId" component={privatePage(DraftEditorPage)} />
      <Route path="/qualification" component={privatePage(QualificationQueuePage)} />
      <Route path="/national" component={privatePage(NationalPage)} />
      <Route path="/reglements" component={privatePage(SettlementsPage)} />
      <Route path="/cantonnement" component={privatePage(SafeguardingPage)} />
      <Route path="/journal" component={privatePage(AuditPage)} />
      <Route path="/espace/:organisationId/journal" component={privatePage(AuditPage)} />
      <Route path="/campagnes" component={privatePage(RoundsPage)} />
      <Route path="/campagnes/:roundId" component={privatePage(RoundDashboardPage)} />
      {/* Public data, no sign-in: the kiosk runs on a projector; the layout drops its chrome there. */}
      <Route path="/campagnes/:roundId/kiosque" component={RoundKioskPage} />
      <Route path="/public/campagnes/:roundId" component={PublicRoundPage} />
      <Route path="/public/national" component={PublicNationalPage} />
      <Route path="*404" component={NotFound} />
    </Router>
  );
}
