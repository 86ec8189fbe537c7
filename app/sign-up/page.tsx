import type { Metadata } from "next";
import { AuthPage } from "@/src/ui/auth-page";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <AuthPage mode="sign-up" next={(await searchParams).next} />;
}
