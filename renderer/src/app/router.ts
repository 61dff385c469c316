import { useSyncExternalStore } from 'react';

/**
 * Hash routing: `#/properties`, `#/properties/<id>`, `#/users/<id>`... The hash survives a reload
 * and needs nothing from the server beyond index.html. New screens add a variant here and a case in App.tsx.
 */
export type Route =
  | { screen: 'properties' }
  | { screen: 'property'; id: string }
  | { screen: 'users' }
  | { screen: 'user'; id: string }
  | { screen: 'audit' }
  | { screen: 'ai' }
  | { screen: 'account' }
  | { screen: 'not-found'; path: string };

/** Top-level areas shown in the navigation; inbox, leads, knowledge, reports and settings join later. */
export type Section = 'properties' | 'users' | 'audit' | 'ai' | 'account';

/** Screens that are one word with nothing after it. */
const SINGLE: Record<string, Route> = { audit: { screen: 'audit' }, ai: { screen: 'ai' }, account: { screen: 'account' } };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '');
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { screen: 'not-found', path };
  }
  const [first, second, ...rest] = parts;
  if (first === undefined) return { screen: 'properties' };
  if (first === 'properties' && rest.length === 0) {
    return second === undefined ? { screen: 'properties' } : { screen: 'property', id: second };
  }
  if (first === 'users' && rest.length === 0) {
    return second === undefined ? { screen: 'users' } : { screen: 'user', id: second };
  }
  const single = Object.hasOwn(SINGLE, first) ? SINGLE[first] : undefined;
  if (single && second === undefined) return single;
  return { screen: 'not-found', path };
}

export function hrefFor(route: Route): string {
  switch (route.screen) {
    case 'properties':
      return '#/properties';
    case 'property':
      return `#/properties/${encodeURIComponent(route.id)}`;
    case 'users':
      return '#/users';
    case 'user':
      return `#/users/${encodeURIComponent(route.id)}`;
    case 'audit':
    case 'ai':
    case 'account':
      return `#/${route.screen}`;
    case 'not-found':
      return `#${route.path}`;
  }
}

export function sectionOf(route: Route): Section | undefined {
  switch (route.screen) {
    case 'properties':
    case 'property':
      return 'properties';
    case 'users':
    case 'user':
      return 'users';
    case 'audit':
    case 'ai':
    case 'account':
      return route.screen;
    case 'not-found':
      return undefined;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}
