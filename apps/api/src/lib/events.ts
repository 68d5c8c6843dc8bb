import { EventEmitter } from 'node:events';

/** What the domains tell each other, after the fact. */
export interface DomainEvents {
  /** A transaction that changed this provider's claims has committed. */
  'claims.changed': { providerId: string };
  /** A user of this provider has signed in: their session row has committed. */
  'auth.signedIn': { providerId: string };
}

/** A typed, in-process event bus. Listeners run after the emitter's commit, never inside it. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends keyof DomainEvents>(
    name: K,
    listener: (payload: DomainEvents[K]) => void,
  ): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
