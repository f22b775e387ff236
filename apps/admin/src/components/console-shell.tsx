"use client";

import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  Text,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import { useDisclosure, useMounted } from "@mantine/hooks";
import {
  Activity,
  BookOpen,
  Boxes,
  FileClock,
  Gauge,
  History,
  KeyRound,
  LogOut,
  Moon,
  Network,
  Puzzle,
  Route,
  Send,
  Server,
  Settings,
  ShieldCheck,
  Sun,
  Users,
  UserCog,
  UserRound,
} from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import type { CurrentUser } from "@/components/user-context";
import { UserProvider } from "@/components/user-context";

/** One entry of the main navigation; a new page adds one line to `items` (in reading order). */
interface NavItem {
  label: string;
  href: string;
  icon: ReactNode;
  /** shown to admins only */
  adminOnly?: boolean;
  /** shown to editors and admins */
  editorOnly?: boolean;
}

const items: NavItem[] = [
  { label: "Dashboard", href: "/dashboard", icon: <Gauge size={18} aria-hidden /> },
  { label: "Services", href: "/services", icon: <Boxes size={18} aria-hidden /> },
  { label: "Upstreams", href: "/upstreams", icon: <Network size={18} aria-hidden /> },
  { label: "Routes", href: "/routes", icon: <Route size={18} aria-hidden /> },
  { label: "Consumers", href: "/consumers", icon: <Users size={18} aria-hidden /> },
  { label: "Certificates", href: "/certificates", icon: <ShieldCheck size={18} aria-hidden /> },
  { label: "Plugins", href: "/plugins", icon: <Puzzle size={18} aria-hidden /> },
  { label: "Data planes", href: "/data-planes", icon: <Server size={18} aria-hidden /> },
  {
    label: "Request simulator",
    href: "/simulator",
    icon: <Send size={18} aria-hidden />,
    editorOnly: true,
  },
  { label: "Config history", href: "/config", icon: <History size={18} aria-hidden /> },
  {
    label: "Audit log",
    href: "/audit",
    icon: <FileClock size={18} aria-hidden />,
    adminOnly: true,
  },
  {
    label: "API tokens",
    href: "/tokens",
    icon: <KeyRound size={18} aria-hidden />,
    adminOnly: true,
  },
  { label: "Users", href: "/users", icon: <UserCog size={18} aria-hidden />, adminOnly: true },
  {
    label: "Settings",
    href: "/settings",
    icon: <Settings size={18} aria-hidden />,
    adminOnly: true,
  },
  { label: "API reference", href: "/api-reference", icon: <BookOpen size={18} aria-hidden /> },
  { label: "Your account", href: "/account", icon: <UserRound size={18} aria-hidden /> },
];

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme("light", { getInitialValueInEffect: true });
  // The scheme kept in localStorage is known on the client's first render but not on the server:
  // until mounted, render what the server did (else React's hydration error #418 on every load).
  const mounted = useMounted();
  const next = mounted && computed === "dark" ? "light" : "dark";
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} theme`}
        onClick={() => setColorScheme(next)}
      >
        {next === "light" ? <Sun size={18} /> : <Moon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

/** Header (brand, user and role, theme toggle, sign out) and the main navigation. */
export function ConsoleShell({ user, children }: { user: CurrentUser; children: ReactNode }) {
  const [opened, { toggle }] = useDisclosure();
  const pathname = usePathname();
  const visible = items.filter(
    (i) => (!i.adminOnly || user.role === "admin") && (!i.editorOnly || user.role !== "viewer"),
  );
  return (
    <UserProvider user={user}>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
        padding="lg"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Group gap="sm">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label="Toggle navigation"
              />
              <Activity size={22} aria-hidden />
              <Text fw={700} size="lg">
                Gatehouse
              </Text>
            </Group>
            <Group gap="sm">
              <Text size="sm" aria-label="Signed in as">
                {user.actor}
              </Text>
              <Badge variant="light" aria-label={`Role: ${user.role}`}>
                {user.role}
              </Badge>
              <ThemeToggle />
              <Button
                variant="default"
                leftSection={<LogOut size={16} aria-hidden />}
                onClick={async () => {
                  await fetch("/api/v1/auth/logout", { method: "POST" }).catch(() => undefined);
                  window.location.assign("/login");
                }}
              >
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" component="nav" aria-label="Main">
          {visible.map((item) => (
            <NavLink
              key={item.href}
              component={Link}
              href={item.href}
              label={item.label}
              leftSection={item.icon}
              active={pathname === item.href || pathname.startsWith(`${item.href}/`)}
              aria-current={
                pathname === item.href || pathname.startsWith(`${item.href}/`) ? "page" : undefined
              }
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id="main">{children}</AppShell.Main>
      </AppShell>
    </UserProvider>
  );
}
