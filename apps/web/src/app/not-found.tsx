import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Page not found · Meritum' };

/** In the site's own styles: Next's default page carries an inline style element, which the CSP refuses. */
export default function NotFound() {
  return (
    <main id="main" className="auth">
      <p className="brand">Meritum</p>
      <div className="panel empty">
        <h1>Page not found</h1>
        <p className="muted">There is no page at this address.</p>
        <Link href="/">Go to the dashboard</Link>
      </div>
    </main>
  );
}
