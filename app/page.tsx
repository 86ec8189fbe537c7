import Link from "next/link";

const FEATURES = [
  { title: "All your platforms, one view", body: "Connect TikTok, Instagram and OnlyFans and see followers, views and earnings side by side." },
  { title: "Drafts that sound like you", body: "Captions, fan replies and mass messages drafted by AI, checked against platform rules before you see them." },
  { title: "Weekly summaries", body: "What grew, what worked and when to post, in plain words, every week." },
  { title: "Your data stays yours", body: "Tokens are encrypted, nothing is ever posted for you, and you can export or delete everything in one click." },
];

export default function LandingPage() {
  return (
    <div className="container">
      <header className="site-header">
        <Link className="brand" href="/">
          Huntaze
        </Link>
        <nav aria-label="Account">
          <Link className="button button--quiet button--small" href="/sign-in">
            Sign in
          </Link>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <section className="hero" aria-labelledby="hero-title">
          <h1 id="hero-title">Run your creator business from one calm place.</h1>
          <p>
            Huntaze brings your TikTok, Instagram and OnlyFans numbers together, drafts the messages you send every day,
            and tells you what is working, so you spend your time creating.
          </p>
          <div className="hero__actions">
            <Link className="button" href="/sign-up">
              Create your free account
            </Link>
            <span className="hint">No card needed. Nothing is ever posted for you.</span>
          </div>
        </section>
        <ul className="features" aria-label="What Huntaze does">
          {FEATURES.map((f) => (
            <li className="card" key={f.title}>
              <h2>{f.title}</h2>
              <p>{f.body}</p>
            </li>
          ))}
        </ul>
      </main>
      <footer className="site-footer">
        <p>Huntaze · the back office for creators. Your data stays yours: export or delete it at any time.</p>
      </footer>
    </div>
  );
}
