"""The catalog spine: the one schema, the database, settings, the taxonomy and the CLI.

Every stage (crawler, classifier, publisher) talks to the others only through the tables defined here.
"""

__version__ = "0.1.0"
