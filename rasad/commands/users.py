"""The account commands: `rasad users add|list|remove|token|password`.

A user made without a password gets an API token (for scripts and integrators), printed
once; one made with `--password` logs in on the page.  The password is asked on the
terminal, or read as one line from standard input when that is not a terminal, never
taken from the command line where other users of the machine could see it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rasad.accounts import DIGEST_FREQUENCIES as FREQUENCIES
from rasad.accounts import ROLES, Accounts
from rasad.config import Settings
from rasad.errors import InvalidInput

from . import Subparsers


def register(sub: Subparsers) -> None:
    users = sub.add_parser(
        "users",
        help="manage who may use the service (viewer, editor, admin)",
        description="Users and their roles: a viewer searches and reads, an editor also "
        "saves searches and changes shared work, an admin also manages users.",
    )
    cmds = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")
    add = cmds.add_parser("add", help="add a user (prints an API token, or sets a password)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="viewer")
    add.add_argument(
        "--password", action="store_true", help="set a password for the page instead of a token"
    )
    add.set_defaults(func=add_user)
    ls = cmds.add_parser("list", help="list users and their roles")
    ls.set_defaults(func=list_users)
    rm = cmds.add_parser("remove", help="remove a user with its tokens and sessions")
    rm.add_argument("name")
    rm.set_defaults(func=remove_user)
    tok = cmds.add_parser("token", help="issue another API token for a user")
    tok.add_argument("name")
    tok.set_defaults(func=new_token)
    dg = cmds.add_parser("digest", help="e-mail a user's alert matches (needs RASAD_SMTP_HOST)")
    dg.add_argument("name")
    dg.add_argument("--email", help="where to send them")
    dg.add_argument("--every", choices=FREQUENCIES, default="daily")
    dg.set_defaults(func=set_digest)
    pw = cmds.add_parser("password", help="set a user's password")
    pw.add_argument("name")
    pw.set_defaults(func=set_password)


@contextmanager
def _accounts(settings: Settings) -> Iterator[Accounts]:
    with settings.open_store() as store:
        yield Accounts(store)


def read_password() -> str:
    """A password from the terminal (asked twice) or one line of standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise InvalidInput("the two passwords differ")
    return first


def add_user(args: argparse.Namespace, settings: Settings) -> int:
    password = read_password() if args.password else None
    with _accounts(settings) as accounts:
        user, token = accounts.add(args.name, args.role, password)
    print(f"added {user.name} ({user.role})")
    if token:
        print(f"API token (shown once; send it as 'Authorization: Bearer …'):\n{token}")
    return 0


def list_users(args: argparse.Namespace, settings: Settings) -> int:
    with _accounts(settings) as accounts:
        users = accounts.users()
    for user in users:
        login = "password" if user.password_hash else "token only"
        mail = f"{user.digest} to {user.email}" if user.digest != "off" else "no digest"
        print(f"{user.name}\t{user.role}\t{login}\t{mail}\t{user.created[:19]}")
    if not users:
        print("no users yet: rasad users add NAME --role admin --password", file=sys.stderr)
    return 0


def remove_user(args: argparse.Namespace, settings: Settings) -> int:
    with _accounts(settings) as accounts:
        removed = accounts.remove(args.name)
    if not removed:
        raise InvalidInput(f"there is no user {args.name!r}")
    print(f"removed {args.name}")
    return 0


def new_token(args: argparse.Namespace, settings: Settings) -> int:
    with _accounts(settings) as accounts:
        print(accounts.new_token(args.name))
    return 0


def set_password(args: argparse.Namespace, settings: Settings) -> int:
    password = read_password()
    with _accounts(settings) as accounts:
        accounts.set_password(args.name, password)
    print(f"password set for {args.name}")
    return 0


def set_digest(args: argparse.Namespace, settings: Settings) -> int:
    with _accounts(settings) as accounts:
        user = accounts.set_digest(args.name, args.email, args.every)
    print(f"{user.name}: {user.digest} digest to {user.email}")
    if user.digest != "off" and not settings.smtp_host:
        print("rasad: no RASAD_SMTP_HOST set, so nothing is sent yet", file=sys.stderr)
    return 0
