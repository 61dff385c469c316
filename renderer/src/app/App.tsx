import type { Permission } from '@contract/permissions';
import { AccountScreen } from '../features/account/account.screen';
import { AiPauseBanner } from '../features/ai/ai-pause.banner';
import { AiScreen } from '../features/ai/ai.screen';
import { AiStatusProvider } from '../features/ai/ai-status';
import { PropertyAiPanel } from '../features/ai/property-ai.panel';
import { AuditScreen } from '../features/audit/audit.screen';
import { PropertyListScreen } from '../features/properties/property-list.screen';
import { PropertySettingsScreen } from '../features/properties/property-settings.screen';
import { UserEditScreen } from '../features/users/user-edit.screen';
import { UsersScreen } from '../features/users/users.screen';
import { Screen } from '../shared/screen';
import { hrefFor, sectionOf, useRoute, type Route, type Section } from './router';
import { useCan, useSession } from './session-gate';

interface NavItem {
  section: Section;
  label: string;
  home: Route;
  /** Shown only to roles that hold it; the server refuses the screen's data to the others anyway. */
  permission: Permission;
}

// One entry per area of the staff app. Inbox, Conversations, Leads, Knowledge, Reports and
// Settings are added here (and to Route/Section in router.ts) as their screens land.
const NAV: readonly NavItem[] = [
  { section: 'properties', label: 'Properties', home: { screen: 'properties' }, permission: 'properties.read' },
  { section: 'ai', label: 'AI switch', home: { screen: 'ai' }, permission: 'ai.read' },
  { section: 'audit', label: 'Audit log', home: { screen: 'audit' }, permission: 'audit.read' },
  { section: 'users', label: 'Users', home: { screen: 'users' }, permission: 'users.read' },
];

export function App() {
  const route = useRoute();
  const current = sectionOf(route);
  const { user, signOut } = useSession();
  const can = useCan();
  return (
    <AiStatusProvider>
      <div className="shell">
        <nav className="side-nav" aria-label="Main">
          <p className="brand">
            Nocturn <span className="brand-sub">Staff</span>
          </p>
          <ul>
            {NAV.filter((item) => can(item.permission)).map((item) => (
              <li key={item.section}>
                <a href={hrefFor(item.home)} aria-current={item.section === current ? 'page' : undefined}>
                  {item.label}
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
        <div className="main-column">
          <AiPauseBanner />
          <main className="content">
            <CurrentScreen route={route} />
          </main>
        </div>
      </div>
    </AiStatusProvider>
  );
}

function CurrentScreen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'properties':
      return <PropertyListScreen />;
    case 'property':
      return (
        <>
          <PropertySettingsScreen key={route.id} id={route.id} />
          <PropertyAiPanel key={`ai-${route.id}`} propertyId={route.id} />
        </>
      );
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
            There is no page at <code>{route.path}</code>. <a href={hrefFor({ screen: 'properties' })}>Go to the properties</a>.
          </p>
        </Screen>
      );
  }
}
