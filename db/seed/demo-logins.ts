/** One demo login per role, printed on start and listed in the README. */
export const DEMO_PASSWORD = 'aptic-demo-2026';

export const DEMO_LOGINS = [
  { role: 'opérateur', email: 'operateur@aptic.demo', name: 'Claire Martin' },
  { role: 'commanditaire', email: 'commanditaire@aptic.demo', name: 'Yann Le Goff' },
  { role: 'acteur', email: 'acteur@aptic.demo', name: 'Nadia Benali' },
  { role: 'chef de file', email: 'partenariat@aptic.demo', name: 'Maël Kerjean' },
  { role: 'prescripteur', email: 'prescripteur@aptic.demo', name: 'Sophie Le Bihan' },
] as const;

export type DemoRole = (typeof DEMO_LOGINS)[number]['role'];
export const demoEmail = (role: DemoRole) => DEMO_LOGINS.find((l) => l.role === role)!.email;
