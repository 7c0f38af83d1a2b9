#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys

from dotenv import load_dotenv


def main():
    """Run administrative tasks, with the variables of .env when it exists (never overriding the environment)."""
    load_dotenv()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cookbook.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
