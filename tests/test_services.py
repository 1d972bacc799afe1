"""Smoke tests of the optional services: PostgreSQL (production database) and Redis (RQ)."""

from __future__ import annotations

import getpass
import socket

import psycopg
import pytest

pytestmark = pytest.mark.services


def test_postgresql_answers(postgres_available):
    errors = []
    for user in dict.fromkeys(["postgres", "root", getpass.getuser()]):
        try:
            with psycopg.connect(
                host=postgres_available.host,
                port=postgres_available.port,
                dbname="postgres",
                user=user,
                connect_timeout=5,
            ) as connection:
                assert connection.execute("SELECT 1").fetchone() == (1,)
                return
        except psycopg.OperationalError as error:
            errors.append(f"{user}: {error}")
    pytest.fail("PostgreSQL refused every user:\n" + "\n".join(errors))


def test_redis_answers_ping(redis_available):
    with socket.create_connection((redis_available.host, redis_available.port), timeout=5) as conn:
        conn.sendall(b"PING\r\n")
        assert conn.recv(64).startswith(b"+PONG")
