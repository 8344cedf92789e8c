"""`pv createuser --role ROLE [--partner NAME] [--member PUBLIC_ID] [--username U]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pv.core.exceptions import DomainError
from pv.models import Member, Partner, User
from pv.services.users import user_create


class Command(BaseCommand):
    help = "Create a user with a role and print its password and API token."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=User.Role.values)
        parser.add_argument("--partner", help="Partner name (regulator and sponsor roles)")
        parser.add_argument("--member", help="Member public id (member role)")
        parser.add_argument("--username", help="Defaults to <role>-<n>")
        parser.add_argument("--password", help="Defaults to a random password")

    def handle(self, *args, **opts):
        partner = None
        if opts["partner"]:
            partner = Partner.objects.filter(name=opts["partner"]).first()
            if partner is None:
                names = ", ".join(Partner.objects.values_list("name", flat=True)) or "none"
                raise CommandError(
                    f"--partner: no partner named {opts['partner']!r} (known: {names})"
                )
        member = None
        if opts["member"]:
            member = Member.objects.filter(public_id=opts["member"]).first()
            if member is None:
                raise CommandError(f"--member: no member with public id {opts['member']!r}")
        username = (
            opts["username"]
            or f"{opts['role']}-{User.objects.filter(role=opts['role']).count() + 1}"
        )
        try:
            user, password, token = user_create(
                actor="cli",
                username=username,
                role=opts["role"],
                partner=partner,
                member=member,
                password=opts["password"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"username: {user.username}\nrole: {user.role}\npassword: {password}\ntoken: {token}"
        )
