"""Password hashing (scrypt through Werkzeug) and the rules a new password must meet."""
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 12
# A dummy hash checked when no account matches, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("never-a-real-password-0000")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)


def password_problem(password: str) -> str | None:
    """Why this password cannot be used, in words for the person choosing it; None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Please use at least {MIN_LENGTH} characters. A short sentence you will remember works well."
    if len(set(password)) < 4:
        return "Please choose a password with more variety than that."
    # zxcvbn knows the common passwords, names, words and keyboard patterns that guessing starts with
    # ("password1234", "qwertyuiop12"); 3 of 4 means it would take far too many guesses.
    if zxcvbn(password[:100])["score"] < 3:
        return ("That password is one of the first that someone guessing would try. A few unrelated words "
                "with spaces or dashes between them are easy to remember and hard to guess.")
    return None
