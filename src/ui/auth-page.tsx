import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser, safeNextPath } from "@/src/auth";
import { AuthForm } from "./auth-form";

export async function AuthPage({ mode, next }: { mode: "sign-in" | "sign-up"; next: string | string[] | undefined }) {
  const nextPath = safeNextPath(typeof next === "string" ? next : undefined);
  if (await currentUser()) redirect(nextPath);
  return (
    <main id="main" tabIndex={-1} className="auth-page">
      <div className="card auth-card">
        <Link className="brand" href="/">
          Huntaze
        </Link>
        <h1>{mode === "sign-up" ? "Create your account" : "Sign in"}</h1>
        <AuthForm mode={mode} nextPath={nextPath} />
      </div>
    </main>
  );
}
