import { Route, Router } from '@solidjs/router';
import type { Component } from 'solid-js';
import { Layout } from './components/layout';
import { SignedIn } from './components/signed-in';
import { ApplicationPage } from './routes/application';
import { AuditPage } from './routes/audit';
import { CreditNotePage } from './routes/credit-note';
import { CreditsPage } from './routes/credits';
import { DeliveryImportPage } from './routes/delivery-import';
import { DraftEditorPage } from './routes/draft-editor';
import { FunderStatementPage } from './routes/funder-statement';
import { HomeRedirect } from './routes/home';
import { InvitationsPage } from './routes/invitations';
import { NationalPage, PublicNationalPage } from './routes/national';
import { NewOrderPage } from './routes/new-order';
import { NewPartnershipPage } from './routes/new-partnership';
import { NotFound } from './routes/not-found';
import { OpenOrdersPage } from './routes/open-orders';
import { OrderPage } from './routes/order';
import { OrganisationSpace } from './routes/organisation-space';
import { PartnershipPage } from './routes/partnership';
import { PartnershipsPage } from './routes/partnerships';
import { PlacePage } from './routes/place';
import { PlaceStatementPage } from './routes/place-statement';
import { PlacesImportPage } from './routes/places-import';
import { QualificationQueuePage } from './routes/qualification-queue';
import { PublicRoundPage, RoundDashboardPage } from './routes/round-dashboard';
import { RoundKioskPage } from './routes/round-kiosk';
import { RoundsPage } from './routes/rounds';
import { SafeguardingPage } from './routes/safeguarding';
import { SettlementsPage } from './routes/settlements';
import { SignInPage } from './routes/sign-in';
import { AccountPage } from './routes/account';
import { SpendingPage } from './routes/spending';

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
      <Route path="/commandes/nouvelle" component={privatePage(NewOrderPage)} />
      <Route path="/commandes/:orderId" component={privatePage(OrderPage)} />
      <Route path="/lieux/:placeId" component={privatePage(PlacePage)} />
      <Route path="/lieux/:placeId/releves/:month" component={privatePage(PlaceStatementPage)} />
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
