"""Password checks: a crowd logging in at once takes turns, never inside a transaction, and
hashes use the lighter profile."""

import threading

import argon2
import pytest
from argon2 import PasswordHasher

from app.db import database
from app.models import User
from app.services import accounts
from tests.conftest import PASSWORD


class _Crowded:
    """The hasher in use, counting the checks running at the same moment. Each check waits a
    little for more to join it, so that checks not kept apart would overlap."""

    def __init__(self, hasher):
        self.hasher, self.inside, self.most = hasher, 0, 0
        self.lock, self.overlapping = threading.Lock(), threading.Event()

    def verify(self, password_hash, password):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
            if self.inside > 1:
                self.overlapping.set()
        self.overlapping.wait(0.2)
        try:
            return self.hasher.verify(password_hash, password)
        finally:
            with self.lock:
                self.inside -= 1

    def __getattr__(self, name):
        return getattr(self.hasher, name)


def test_people_logging_in_at_once_have_their_passwords_checked_one_at_a_time(
    app, seeded, monkeypatch
):
    crowded = _Crowded(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", crowded)
    names = ["editor", "viewer", "reviewer", "other_editor"] * 2
    tokens, refused = [], []

    def log_in(number, name):
        with app.app_context():
            try:
                password = PASSWORD if number % 2 == 0 else "wrong-password-1"
                tokens.append(accounts.login(name, password, f"10.0.1.{number}"))
            except accounts.AccountError:
                refused.append(name)

    threads = [threading.Thread(target=log_in, args=pair) for pair in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tokens) == 4 and len(refused) == 4  # every login answered, rightly
    assert crowded.most == 1  # one at a time: the memory of one check, whatever the threads


def test_an_old_64_mib_hash_is_renewed_with_the_lighter_profile_at_login(app, seeded):
    old = PasswordHasher()  # argon2-cffi's default: RFC 9106 low-memory, 64 MiB a check
    cheap = accounts._hasher
    accounts.use_hasher(PasswordHasher(**accounts.PROFILE))
    try:
        with app.app_context():
            User.update(password_hash=old.hash(PASSWORD)).where(User.username == "editor").execute()
            accounts.login("editor", PASSWORD, "10.0.0.9")
            renewed = argon2.extract_parameters(User.get(User.username == "editor").password_hash)
    finally:
        accounts.use_hasher(cheap)
    assert (renewed.type, renewed.memory_cost, renewed.time_cost, renewed.parallelism) == (
        argon2.Type.ID,
        19 * 1024,
        2,
        1,
    )


def test_no_password_is_hashed_or_checked_inside_a_transaction(app, seeded):
    """It would hold every save of the site waiting for it."""
    with app.app_context(), database.atomic():
        with pytest.raises(RuntimeError):
            accounts.hash_password("a-long-password-1")
        with pytest.raises(RuntimeError):
            accounts.login("editor", PASSWORD, "10.0.0.9")
