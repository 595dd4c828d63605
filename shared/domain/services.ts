import { Service } from '@gouvfr-anct/lieux-de-mediation-numerique';

/**
 * The national vocabulary of digital-mediation services (schéma des lieux de médiation
 * numérique), taken from the ANCT library so that our values are the standard's values.
 */
export const SERVICES = Object.values(Service) as [Service, ...Service[]];
export type ServiceName = Service;

export function isService(value: string): value is Service {
  return (SERVICES as string[]).includes(value);
}

/** Stable keys for translations and compact URLs: the enum's own key names. */
export const SERVICE_KEYS = Object.fromEntries(Object.entries(Service).map(([key, value]) => [value, key])) as Record<
  Service,
  string
>;
