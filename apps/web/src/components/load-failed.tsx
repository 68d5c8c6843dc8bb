import type { ReactNode } from 'react';
import { messageOf } from '../lib/api';

/** A read that failed: what could not be loaded, why, and a way to try again. */
export function LoadFailed(props: {
  /** The heading, at the level the page needs. */
  heading: (text: string) => ReactNode;
  what: string;
  error: unknown;
  onRetry: () => void;
}) {
  return (
    <div className="panel error" role="alert">
      {props.heading(`${props.what} could not be loaded`)}
      <p>{messageOf(props.error)}</p>
      <button type="button" className="button" onClick={props.onRetry}>
        Try again
      </button>
    </div>
  );
}

export const h1 = (text: string) => <h1>{text}</h1>;
export const h2 = (text: string) => <h2>{text}</h2>;
export const h3 = (text: string) => <h3>{text}</h3>;
