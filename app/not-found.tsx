import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" tabIndex={-1} className="auth-page">
      <div className="card auth-card">
        <h1>Page not found</h1>
        <p>The page you asked for does not exist or has moved.</p>
        <p>Check the address for a typo, or start again from one of these:</p>
        <div className="empty-state__actions">
          <Link className="button" href="/">
            Go to the home page
          </Link>
          <Link className="button button--quiet" href="/app" prefetch={false}>
            Open the app
          </Link>
        </div>
      </div>
    </main>
  );
}
