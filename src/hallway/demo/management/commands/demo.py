"""`hallway demo --people N --seed S`: (re)build the demo network."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallway.demo.generate import DEFAULT_PEOPLE, DEFAULT_SEED, build_demo


class Command(BaseCommand):
    help = (
        "Delete all people, companies, teams, topics and follows, and build the demo network "
        "(deterministic for a seed). See docs/demo.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"members of the host company (default {DEFAULT_PEOPLE})",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        try:
            summary = build_demo(
                people=options["people"],
                seed=options["seed"],
                log=self.stdout.write if verbose else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not verbose:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network built in {summary.seconds:.1f} s: {summary.people} people, "
                f"{summary.guests} guests, {summary.companies} companies, {summary.teams} teams, "
                f"{summary.locations} locations, {summary.topics} topics, "
                f"{summary.follows} follows, {summary.groups} groups, {summary.posts} posts."
            )
        )
        self.stdout.write(
            f"Sign in as any of these (password for every demo account: {summary.password}):"
        )
        for role, email in summary.personas.items():
            self.stdout.write(f"  {role:<11} {email}")
