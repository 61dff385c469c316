import { PropertyListScreen } from '../features/properties/property-list.screen';
import { PropertySettingsScreen } from '../features/properties/property-settings.screen';
import { Screen } from '../shared/screen';
import { hrefFor, sectionOf, useRoute, type Route, type Section } from './router';
import { useSession } from './session-gate';

interface NavItem {
  section: Section;
  label: string;
  home: Route;
}

// One entry per area of the staff app. Inbox, Conversations, Leads, Knowledge, Reports and
// Settings are added here (and to Route/Section in router.ts) as their screens land.
const NAV: readonly NavItem[] = [{ section: 'properties', label: 'Properties', home: { screen: 'properties' } }];

export function App() {
  const route = useRoute();
  const current = sectionOf(route);
  const { user, signOut } = useSession();
  return (
    <div className="shell">
      <nav className="side-nav" aria-label="Main">
        <p className="brand">
          Nocturn <span className="brand-sub">Staff</span>
        </p>
        <ul>
          {NAV.map((item) => (
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
          <button type="button" className="button button--nav" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">
        <CurrentScreen route={route} />
      </main>
    </div>
  );
}

function CurrentScreen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'properties':
      return <PropertyListScreen />;
    case 'property':
      return <PropertySettingsScreen key={route.id} id={route.id} />;
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
