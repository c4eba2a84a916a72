"""Email written to the server's output (EMAIL_URL=console://, the default): each message's
headers and its text as written, so that a link in it (a password reset) can be copied as it
is. Django's own console backend writes the message as it would be sent, whose text is
quoted-printable once a line is longer than 78 characters: a reset link came out cut by an
"=" line break."""

from django.core.mail.backends.console import EmailBackend

HIDDEN = {"content-transfer-encoding", "mime-version"}


class ConsoleBackend(EmailBackend):
    def write_message(self, message):
        headers = "".join(
            f"{name}: {value}\n"
            for name, value in message.message().items()
            if name.lower() not in HIDDEN
        )
        self.stream.write(f"{headers}\n{message.body}\n{'-' * 79}\n")
