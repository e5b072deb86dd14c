"""Email texts. Neutral on purpose: no worksheet titles, no answers, no topic, since inboxes are shared.
Nor, in what goes to a partner, the practice's name: it may itself say what the portal is for
("Couples Counseling After Infidelity")."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def invitation(display_name: str, link: str, days: int) -> Message:
    return Message(
        subject="Your secure portal is ready",
        body=(
            f"Hello {display_name},\n\n"
            "A secure portal has been set up for you, as arranged at your appointment. To choose your "
            f"password, open this link within {days} days:\n\n{link}\n\n"
            "The link works once. If it has expired, ask for a new one at your next appointment.\n"
        ),
    )


def counselor_invitation(display_name: str, practice_name: str, link: str, days: int) -> Message:
    return Message(
        subject=f"Your account at {practice_name}",
        body=(
            f"Hello {display_name},\n\nAn account has been created for you at {practice_name}. "
            f"Open this link within {days} days to choose your password:\n\n{link}\n"
        ),
    )


def new_homework(display_name: str, link: str) -> Message:
    return Message(
        subject="Something new in your secure portal",
        body=f"Hello {display_name},\n\nThere is something new for you in your portal.\n\nSign in: {link}\n",
    )


def password_reset(display_name: str, link: str, minutes: int) -> Message:
    return Message(
        subject="Choose a new password for your secure portal",
        body=(
            f"Hello {display_name},\n\nSomeone asked to choose a new password for your portal account. "
            f"To choose one, open this link within {minutes} minutes:\n\n{link}\n\n"
            "The link works once. If you did not ask, you can ignore this email: your password stays the same.\n"
        ),
    )


# ---- reminders: warm, plain, and never what the homework is about ------------------------------

def _with_off_switch(text: str, unsubscribe_link: str) -> str:
    return (f"{text}\nYou get these reminders because they are on in your settings. "
            f"To turn them off with one click, open:\n{unsubscribe_link}\n")


def due_soon(display_name: str, link: str, unsubscribe_link: str) -> Message:
    return Message(
        subject="A reminder from your secure portal",
        body=_with_off_switch(
            f"Hello {display_name},\n\nSomething in your portal is due today. When you have a quiet moment, "
            f"you can open it here:\n\n{link}\n", unsubscribe_link),
    )


def overdue(display_name: str, due_label: str, link: str, unsubscribe_link: str) -> Message:
    return Message(
        subject="A gentle reminder from your secure portal",
        body=_with_off_switch(
            f"Hello {display_name},\n\nSomething in your portal was due on {due_label}. It is still there "
            f"whenever you are ready:\n\n{link}\n", unsubscribe_link),
    )


def appointment_soon(display_name: str, when_label: str, link: str, unsubscribe_link: str) -> Message:
    return Message(
        subject="A reminder about your appointment",
        body=_with_off_switch(
            f"Hello {display_name},\n\nA reminder: you have an appointment on {when_label}.\n\n"
            f"The details are in your portal: {link}\n", unsubscribe_link),
    )


def _appointment_news(display_name: str, news: str, link: str) -> Message:
    # Every word about a session booked ahead: the time and how it is held, never what it is for.
    return Message(subject="Your appointment has changed",
                   body=f"Hello {display_name},\n\n{news}\n\nThe details are in your portal: {link}\n")


def how_it_is_held(video: bool, minutes: int) -> str:
    """Said whole in every email of a change, so that any one of them read alone is right."""
    return f"It will be {'by video (the link is in your portal)' if video else 'in person'}, for {minutes} minutes."


def appointment_booked(display_name: str, when_label: str, how: str, link: str) -> Message:
    return Message(subject="Your appointment is booked",
                   body=f"Hello {display_name},\n\nYou have an appointment on {when_label}. {how}\n\n"
                        f"The details are in your portal: {link}\n")


def appointment_moved(display_name: str, was_label: str, when_label: str, how: str, link: str) -> Message:
    return _appointment_news(display_name, f"Your appointment on {was_label} has moved to {when_label}. {how}", link)


def appointment_details_changed(display_name: str, when_label: str, how: str, link: str) -> Message:
    return _appointment_news(display_name, f"Your appointment on {when_label} has changed. {how}", link)


def appointment_restored(display_name: str, when_label: str, how: str, link: str) -> Message:
    return _appointment_news(display_name, f"Your appointment on {when_label} is going ahead after all: please "
                                           f"disregard the earlier email saying it was cancelled. {how}", link)


def appointment_cancelled(display_name: str, when_label: str, next_label: str | None, link: str) -> Message:
    """`next_label`: the next session booked, its time and how it is held, if there is one."""
    after = (f"Your next appointment is on {next_label}" if next_label
             else "Your counselor will arrange the next one with you.")
    return _appointment_news(display_name, f"Your appointment on {when_label} has been cancelled. {after}", link)


def risk_alert(display_name: str, link: str) -> Message:
    # No name, no answer, no exercise: the counselor reads it after signing in.
    return Message(
        subject="Please sign in to your portal",
        body=(f"Hello {display_name},\n\nA client in your caseload may need your attention. Sign in to read it.\n\n"
              f"{link}\n"),
    )
