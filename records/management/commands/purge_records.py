"""Delete learning records older than each school's retention period."""

from django.core.management.base import BaseCommand, CommandError

from records.services import leavers_purge, records_purge


class Command(BaseCommand):
    help = (
        "Delete statements, completions, certificates, reminder logs, scenario attempts, "
        "quiz attempts, reflections, checklist ticks, saved H5P state and the log of "
        "sign-ins older than each "
        "school's retention period (School.retention_months), and erase the people who "
        "left the school before it. --older-than can only keep "
        "more, never less: each school's cut-off is the longer of the two. Also deletes "
        "the unpacked H5P packages that no activity owns, a day after they were left."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="MONTHS",
            default=None,
            help="Purge only records older than this many months (and older than the "
            "school's own retention period).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, **options):
        if options["older_than"] is not None and options["older_than"] < 0:
            # A CommandError, not SystemExit: run in-process (call_command, a task) it is an
            # error to report, not the end of the process.
            raise CommandError("--older-than must be zero or more months.")
        counts = records_purge(older_than_months=options["older_than"], dry_run=options["dry_run"])
        verb = "Would delete" if options["dry_run"] else "Deleted"
        for school, count in counts.items():
            self.stdout.write(f"{school}: {verb.lower()} {count} statements")
        # Counts only: the log of a scheduled job is no place for pupils' usernames.
        leavers = leavers_purge(older_than_months=options["older_than"], dry_run=options["dry_run"])
        for school, count in leavers.items():
            if count:
                self.stdout.write(
                    f"{school}: {verb.lower()} the records of {count} people who left"
                )
        self.stdout.write(self.style.SUCCESS(f"{verb} {sum(counts.values())} statements."))
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {sum(leavers.values())} people who left, and their records."
            )
        )
        from h5p.services import h5p_orphans_delete

        folders = h5p_orphans_delete(dry_run=options["dry_run"])
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {folders} H5P package folders that no activity uses.")
        )
