"""``manage.py apply_reorganisation provinces/reorganisations/2025.json [--dry-run]``"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from provinces.services import reorganisation_apply, reorganisation_plan_from_file


class Command(BaseCommand):
    help = "Apply a reorganisation of provincial units described in a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The reorganisation file (JSON).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; change nothing."
        )

    def handle(self, *args, path: str, dry_run: bool, **options):
        try:
            with open(path, "rb") as file:
                plan = reorganisation_plan_from_file(file.read())
            # Recorded in the audit log as done by a command on the server (no account).
            changes = reorganisation_apply(plan=plan, dry_run=dry_run, actor="system:command")
        except OSError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for line in changes:
            self.stdout.write(line)
        if not changes:
            self.stdout.write(_("Nothing to change: this reorganisation is already applied."))
        elif dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Applied.")))
