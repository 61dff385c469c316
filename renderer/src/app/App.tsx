import { lazy, Suspense, type ComponentType } from 'react';
import { AiPauseBanner } from '../features/ai/ai-pause.banner';
import { AiStatusProvider } from '../features/ai/ai-status';
import { AttentionProvider, useAttention } from '../features/inbox/attention';
import { InboxScreen } from '../features/inbox/inbox.screen';
import { Screen } from '../shared/screen';
import { HotelsProvider } from './hotels';
import { LiveEventsProvider } from './live-events';
import { AccessDenied } from '../shared/load-problem';
import { whoMay } from './permission-text';
import { hrefFor, SCREEN_PERMISSION, sectionOf, useRoute, type Route, type Section } from './router';
import { useCan, useSession } from './session-gate';
import { ShortcutsHelp } from './shortcuts-help';

/**
 * The inbox is in the first bundle: it is where the desk lands and what must show fast. Every
 * other screen is loaded when first opened.
 */
function screen<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }));
}
const AccountScreen = screen(async () => (await import('../features/account/account.screen')).AccountScreen);
const AiScreen = screen(async () => (await import('../features/ai/ai.screen')).AiScreen);
const PropertyAiPanel = screen(async () => (await import('../features/ai/property-ai.panel')).PropertyAiPanel);
const AuditScreen = screen(async () => (await import('../features/audit/audit.screen')).AuditScreen);
const KnowledgeScreen = screen(async () => (await import('../features/knowledge/knowledge.screen')).KnowledgeScreen);
const LeadsScreen = screen(async () => (await import('../features/leads/leads.screen')).LeadsScreen);
const OnboardingScreen = screen(async () => (await import('../features/onboarding/onboarding.screen')).OnboardingScreen);
const PropertyListScreen = screen(async () => (await import('../features/properties/property-list.screen')).PropertyListScreen);
const PropertySettingsScreen = screen(async () => (await import('../features/properties/property-settings.screen')).PropertySettingsScreen);
const ReportsScreen = screen(async () => (await import('../features/reports/reports.screen')).ReportsScreen);
const PropertyConnectionsPanel = screen(async () => (await import('../features/settings/property-connections.panel')).PropertyConnectionsPanel);
const SystemScreen = screen(async () => (await import('../features/system/system.screen')).SystemScreen);
const PrivacyScreen = screen(async () => (await import('../features/privacy/privacy.screen')).PrivacyScreen);
const UserEditScreen = screen(async () => (await import('../features/users/user-edit.screen')).UserEditScreen);
const UsersScreen = screen(async () => (await import('../features/users/users.screen')).UsersScreen);

interface NavItem {
  section: Section;
  label: string;
  /** Shown only to roles that may open it (SCREEN_PERMISSION). */
  home: Route;
}

// One entry per area of the staff app, in the order front-desk staff use them.
const NAV: readonly NavItem[] = [
  { section: 'inbox', label: 'Inbox', home: { screen: 'inbox' } },
  { section: 'leads', label: 'Leads', home: { screen: 'leads' } },
  { section: 'knowledge', label: 'Knowledge', home: { screen: 'knowledge' } },
  { section: 'reports', label: 'Reports', home: { screen: 'reports' } },
  { section: 'properties', label: 'Properties', home: { screen: 'properties' } },
  { section: 'ai', label: 'AI switch', home: { screen: 'ai' } },
  { section: 'system', label: 'System', home: { screen: 'system' } },
  { section: 'privacy', label: 'Privacy', home: { screen: 'privacy' } },
  { section: 'audit', label: 'Audit log', home: { screen: 'audit' } },
  { section: 'users', label: 'Users', home: { screen: 'users' } },
];

export function App() {
  const can = useCan();
  const live = can('conversations.read');
  return (
    <AiStatusProvider>
      <HotelsProvider>
        <LiveEventsProvider enabled={live}>
          <AttentionProvider enabled={live}>
            <Shell />
            <ShortcutsHelp />
          </AttentionProvider>
        </LiveEventsProvider>
      </HotelsProvider>
    </AiStatusProvider>
  );
}

function Shell() {
  const route = useRoute();
  const current = sectionOf(route);
  const { user, signOut } = useSession();
  const can = useCan();
  const { needsHuman } = useAttention();
  const wide = route.screen === 'inbox';
  return (
    <div className="shell">
      <nav className="side-nav" aria-label="Main">
        <p className="brand">
          Nocturn <span className="brand-sub">Staff</span>
        </p>
        <ul>
          {NAV.filter((item) => can(SCREEN_PERMISSION[item.home.screen])).map((item) => (
            <li key={item.section}>
              <a href={hrefFor(item.home)} aria-current={item.section === current ? 'page' : undefined}>
                {item.label}
                {item.section === 'inbox' && needsHuman ? (
                  <span className="nav-count">
                    {needsHuman >= 200 ? '200+' : needsHuman}
                    <span className="visually-hidden"> waiting for a person</span>
                  </span>
                ) : null}
              </a>
            </li>
          ))}
        </ul>
        <div className="nav-user">
          <p>
            {user.displayName}
            <span className="nav-role">{user.role}</span>
          </p>
          <a className="nav-account" href={hrefFor({ screen: 'account' })} aria-current={current === 'account' ? 'page' : undefined}>
            Your account
          </a>
          <button type="button" className="button button--nav" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </nav>
      <div className={wide ? 'main-column main-column--fixed' : 'main-column'}>
        <AiPauseBanner />
        <main className={wide ? 'content content--wide' : 'content'}>
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <CurrentScreen route={route} />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

const ARTICLE = { agent: 'an agent', manager: 'a manager', admin: 'an administrator' } as const;

function CurrentScreen({ route }: { route: Route }) {
  const can = useCan();
  const { user } = useSession();
  if (!can(SCREEN_PERMISSION[route.screen])) {
    return (
      <Screen title="Not available to your role">
        <AccessDenied>
          <p>
            This screen is for {whoMay(SCREEN_PERMISSION[route.screen])}; you are signed in as {ARTICLE[user.role]}. Ask an administrator if you
            need it. <a href={hrefFor({ screen: 'inbox' })}>Go to the inbox</a>.
          </p>
        </AccessDenied>
      </Screen>
    );
  }
  switch (route.screen) {
    case 'inbox':
      return <InboxScreen propertyId={route.propertyId} conversationId={route.conversationId} />;
    case 'leads':
      return <LeadsScreen propertyId={route.propertyId} leadId={route.leadId} />;
    case 'knowledge':
      return <KnowledgeScreen propertyId={route.propertyId} />;
    case 'reports':
      return <ReportsScreen propertyId={route.propertyId} />;
    case 'properties':
      return <PropertyListScreen />;
    case 'property':
      return (
        <>
          <PropertySettingsScreen key={route.id} id={route.id} />
          <PropertyAiPanel key={`ai-${route.id}`} propertyId={route.id} />
          <PropertyConnectionsPanel key={`conn-${route.id}`} propertyId={route.id} />
        </>
      );
    case 'welcome':
      return <OnboardingScreen />;
    case 'system':
      return <SystemScreen />;
    case 'privacy':
      return <PrivacyScreen />;
    case 'users':
      return <UsersScreen />;
    case 'user':
      return <UserEditScreen key={route.id} id={route.id} />;
    case 'audit':
      return <AuditScreen />;
    case 'ai':
      return <AiScreen />;
    case 'account':
      return <AccountScreen />;
    case 'not-found':
      return (
        <Screen title="Page not found">
          <p>
            There is no page at <code>{route.path}</code>. <a href={hrefFor({ screen: 'inbox' })}>Go to the inbox</a>.
          </p>
        </Screen>
      );
  }
}
