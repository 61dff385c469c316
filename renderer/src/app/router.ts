import type { Permission } from '@contract/permissions';
import { useSyncExternalStore } from 'react';

/**
 * Hash routing: `#/inbox`, `#/inbox/<hotel>/<conversation>`, `#/properties/<id>`... The hash
 * survives a reload and needs nothing from the server beyond index.html. New screens add a variant
 * here and a case in App.tsx.
 */
export type Route =
  | { screen: 'inbox'; propertyId?: string; conversationId?: string }
  | { screen: 'leads'; propertyId?: string; leadId?: string }
  | { screen: 'knowledge'; propertyId?: string }
  | { screen: 'reports'; propertyId?: string }
  | { screen: 'properties' }
  | { screen: 'property'; id: string }
  | { screen: 'welcome' }
  | { screen: 'system' }
  | { screen: 'users' }
  | { screen: 'user'; id: string }
  | { screen: 'audit' }
  | { screen: 'ai' }
  | { screen: 'account' }
  | { screen: 'privacy' }
  | { screen: 'not-found'; path: string };

/**
 * The permission a role needs to open each screen, from the contract's table; the navigation hides
 * a screen's link and a typed-in address shows why it is closed. The server refuses the data anyway.
 */
export const SCREEN_PERMISSION: Record<Route['screen'], Permission> = {
  inbox: 'conversations.read',
  leads: 'leads.read',
  knowledge: 'knowledge.read',
  reports: 'reports.read',
  properties: 'properties.read',
  property: 'properties.read',
  welcome: 'properties.create',
  system: 'system.read',
  users: 'users.read',
  user: 'users.read',
  audit: 'audit.read',
  ai: 'ai.read',
  account: 'session.self',
  privacy: 'privacy.export',
  'not-found': 'session.self',
};

/** Top-level areas shown in the navigation. */
export type Section = 'inbox' | 'leads' | 'knowledge' | 'reports' | 'properties' | 'system' | 'users' | 'audit' | 'ai' | 'account' | 'privacy';

/** Screens that are one word with nothing after it. */
const SINGLE: Record<string, Route> = {
  audit: { screen: 'audit' },
  ai: { screen: 'ai' },
  account: { screen: 'account' },
  privacy: { screen: 'privacy' },
  system: { screen: 'system' },
  welcome: { screen: 'welcome' },
};

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '');
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { screen: 'not-found', path };
  }
  const [first, second, third, ...rest] = parts;
  if (first === undefined) return { screen: 'inbox' };
  if (first === 'inbox' && rest.length === 0) {
    if (second === undefined) return { screen: 'inbox' };
    if (third !== undefined) return { screen: 'inbox', propertyId: second, conversationId: third };
  }
  if (first === 'leads' && rest.length === 0) {
    if (second === undefined) return { screen: 'leads' };
    if (third !== undefined) return { screen: 'leads', propertyId: second, leadId: third };
  }
  if (first === 'knowledge' && third === undefined) {
    return second === undefined ? { screen: 'knowledge' } : { screen: 'knowledge', propertyId: second };
  }
  if (first === 'reports' && third === undefined) {
    return second === undefined ? { screen: 'reports' } : { screen: 'reports', propertyId: second };
  }
  if (first === 'properties' && third === undefined) {
    return second === undefined ? { screen: 'properties' } : { screen: 'property', id: second };
  }
  if (first === 'users' && third === undefined) {
    return second === undefined ? { screen: 'users' } : { screen: 'user', id: second };
  }
  const single = Object.hasOwn(SINGLE, first) ? SINGLE[first] : undefined;
  if (single && second === undefined) return single;
  return { screen: 'not-found', path };
}

const enc = encodeURIComponent;

export function hrefFor(route: Route): string {
  switch (route.screen) {
    case 'inbox':
      return route.propertyId && route.conversationId ? `#/inbox/${enc(route.propertyId)}/${enc(route.conversationId)}` : '#/inbox';
    case 'leads':
      return route.propertyId && route.leadId ? `#/leads/${enc(route.propertyId)}/${enc(route.leadId)}` : '#/leads';
    case 'knowledge':
      return route.propertyId ? `#/knowledge/${enc(route.propertyId)}` : '#/knowledge';
    case 'reports':
      return route.propertyId ? `#/reports/${enc(route.propertyId)}` : '#/reports';
    case 'properties':
      return '#/properties';
    case 'property':
      return `#/properties/${enc(route.id)}`;
    case 'users':
      return '#/users';
    case 'user':
      return `#/users/${enc(route.id)}`;
    case 'audit':
    case 'ai':
    case 'account':
    case 'system':
    case 'privacy':
    case 'welcome':
      return `#/${route.screen}`;
    case 'not-found':
      return `#${route.path}`;
  }
}

export function sectionOf(route: Route): Section | undefined {
  switch (route.screen) {
    case 'inbox':
    case 'leads':
    case 'knowledge':
    case 'reports':
    case 'system':
    case 'audit':
    case 'ai':
    case 'account':
    case 'users':
    case 'privacy':
      return route.screen;
    case 'properties':
    case 'property':
    case 'welcome':
      return 'properties';
    case 'user':
      return 'users';
    case 'not-found':
      return undefined;
  }
}

export function navigate(route: Route, opts: { replace?: boolean } = {}): void {
  const href = hrefFor(route);
  if (opts.replace) {
    window.history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = href;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}
