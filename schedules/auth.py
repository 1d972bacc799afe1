"""Signing in: by username or e-mail address, with failed attempts throttled.

Failed attempts are counted in the cache per (lower-cased) username and client
address. After ``LOGIN_MAX_FAILURES`` failures that pair is refused, even with
the right password, until ``LOGIN_LOCKOUT_SECONDS`` have passed since the last
failure. A shared cache (Redis, database) makes the count hold across processes.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


class EmailOrUsernameBackend(ModelBackend):
    """The model backend that also accepts a unique e-mail address as the username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            users = list(get_user_model()._default_manager.filter(email__iexact=username)[:2])
            if len(users) == 1:
                username = users[0].get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)


def max_failures() -> int:
    return getattr(settings, "LOGIN_MAX_FAILURES", 5)


def lockout_seconds() -> int:
    return getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60)


def _failure_key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


class ThrottledAuthenticationForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or e-mail address"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed attempts to sign in. Wait %(minutes)s minutes and try again."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        key = _failure_key(username, client_address(self.request))
        if cache.get(key, 0) >= max_failures():
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, lockout_seconds() // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if cache.add(key, 1, lockout_seconds()) is False:
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, lockout_seconds())
                cache.touch(key, lockout_seconds())
            raise
        cache.delete(key)
        return cleaned


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "schedules/login.html"
    redirect_authenticated_user = True
