"""CSRF tokens for the admin UI.

Two kinds, both checked with a constant-time comparison:

- **Session forms** (every POST once logged in, plain forms and htmx requests
  alike). The token is ``HMAC(secret_key, "admin-csrf:" + csrf_secret)``, where
  ``csrf_secret`` is the random secret stored with the session's ``AuthToken``
  row. It is therefore bound to one session: a token read from another session,
  or from before a logout, is worthless, and it changes with every login. Forms
  carry it in the hidden field ``csrf_token``; htmx sends it as the
  ``X-CSRF-Token`` header (``hx-headers`` on ``<body>``).

- **The login form** (no session yet). We use a *signed double submit*: the
  login page sets a random cookie ``llp_login_csrf`` and puts
  ``HMAC(secret_key, "login-csrf:" + cookie)`` in the form; the POST must carry
  both and they must match. SameSite=Lax on the session cookie alone would not
  be enough here: it protects requests made *with* a session, but login CSRF
  (a cross-site form that logs the victim into the attacker's account) needs no
  session at all. A cross-site page can neither read our cookie nor set one for
  our host, so it cannot forge the pair; signing the pair means a value planted
  by a sibling subdomain still needs our secret key to be accepted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

FIELD = "csrf_token"
HEADER = "x-csrf-token"
LOGIN_COOKIE = "llp_login_csrf"
LOGIN_COOKIE_MAX_AGE = 3600


def _mac(secret_key: str, message: str) -> str:
    return hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def session_token(secret_key: str, csrf_secret: str) -> str:
    """The token printed into the pages of one session."""
    return _mac(secret_key, "admin-csrf:" + csrf_secret)


def session_token_ok(secret_key: str, csrf_secret: str | None, offered: str | None) -> bool:
    if not csrf_secret or not offered or len(offered) > 200:
        return False
    return hmac.compare_digest(session_token(secret_key, csrf_secret), offered)


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_token(secret_key: str, nonce: str) -> str:
    return _mac(secret_key, "login-csrf:" + nonce)


def login_token_ok(secret_key: str, nonce: str | None, offered: str | None) -> bool:
    if not nonce or not offered or len(nonce) > 200 or len(offered) > 200:
        return False
    return hmac.compare_digest(login_token(secret_key, nonce), offered)
