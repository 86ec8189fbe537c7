import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Huntaze", template: "%s · Huntaze" },
  description: "Huntaze helps creators run their business across TikTok, Instagram and OnlyFans: analytics, AI drafts and data you control.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request so Next can put this request's CSP nonce on its scripts.
  await connection();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
