"""What the command line reports as a user mistake: one line and an exit status."""

#: Exit status of an invalid command line (as argparse) and of any other user mistake.
USAGE_ERROR, USER_ERROR = 2, 1


class CommandError(Exception):
    """A user mistake: reported as one line on stderr, no traceback."""
