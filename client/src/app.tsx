import { Route, Router } from '@solidjs/router';
import { Layout } from './components/layout';
import { HomeRedirect } from './routes/home';
import { NationalPage } from './routes/national';
import { NotFound } from './routes/not-found';
import { OrganisationSpace } from './routes/organisation-space';
import { SignInPage } from './routes/sign-in';

export function App() {
  return (
    <Router root={Layout}>
      <Route path="/" component={HomeRedirect} />
      <Route path="/connexion" component={SignInPage} />
      <Route path="/espace/:organisationId" component={OrganisationSpace} />
      <Route path="/national" component={NationalPage} />
      <Route path="*404" component={NotFound} />
    </Router>
  );
}
