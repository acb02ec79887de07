/**
 * The signed-in token. It lives in sessionStorage only: it ends with the tab, is not shared with
 * other tabs, and is never written to localStorage or a cookie (a cookie would also be sent with
 * requests the UI did not make).
 */
const KEY = 'tessera.token';

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the user signs in again on each load
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // storage disabled: the token lives in memory for this page only
  }
}
