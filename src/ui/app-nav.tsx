"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const ITEMS = [
  { href: "/app", label: "Home" },
  { href: "/app/connections", label: "Connections" },
  { href: "/app/analytics", label: "Analytics" },
  { href: "/app/drafts", label: "Drafts" },
  { href: "/app/privacy", label: "Privacy" },
];

export function AppNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul>
        {ITEMS.map((item) => (
          <li key={item.href}>
            {/* No viewport prefetch: five RSC fetches and their processing on every app page cost phones more (Lighthouse
                total blocking time) than the few milliseconds they save on a click. */}
            <Link href={item.href} prefetch={false} aria-current={pathname === item.href ? "page" : undefined}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
