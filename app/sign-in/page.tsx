import type { Metadata } from "next";
import { AuthPage } from "@/src/ui/auth-page";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <AuthPage mode="sign-in" next={(await searchParams).next} />;
}
