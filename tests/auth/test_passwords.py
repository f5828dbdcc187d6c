import pytest

from webapp.auth.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 8 characters"),
        ("1234567", "at least 8 characters"),
        ("password", "too easy to guess"),
        ("Password1", None if False else "too easy to guess"),
        ("qwertyuiop", "too easy to guess"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("x" * 201, "200 characters or fewer"),
        ("aisha-is-great", "Don't use your name"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert problem in password_problem(password, personal=("Aisha",))


@pytest.mark.parametrize(
    "password",
    ["kettle purple seaside", "allthelowercaseletters", "12 maple road", "ÉcossePluie2026"],
)
def test_no_composition_rules(password):
    assert password_problem(password, personal=("Aisha",)) is None


def test_hash_and_verify(app_context):
    hashed = hash_password("kettle purple seaside")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "kettle purple seaside")
    assert not verify_password(hashed, "kettle purple seasidE")
    assert not verify_password(None, "anything at all")
    assert not verify_password("not a hash", "anything at all")
