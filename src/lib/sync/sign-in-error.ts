/**
 * Why a sign-in failed, apart from the sign-in itself (session.ts): the sign-in form shows it
 * before the data layer is loaded.
 */
export type SignInFailure = 'credentials' | 'offline' | 'throttled' | 'server' | 'other-user';

export class SignInError extends Error {
	constructor(readonly reason: SignInFailure) {
		super(`Sign-in failed: ${reason}`);
		this.name = 'SignInError';
	}
}
