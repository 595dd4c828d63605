import type { Resource } from 'solid-js';

/**
 * A resource's value, or undefined once it has failed. Reading a failed resource throws (Solid
 * hands the error to the nearest boundary); our pages show the error beside instead.
 */
export const valueOf = <T>(resource: Resource<T>): T | undefined => (resource.error ? undefined : resource());
