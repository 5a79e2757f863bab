"""The build stage: policies first (the site links to them), then the site."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from catalog.config import Settings
from crawler.store import finish_run, start_run


def build_all(session: Session, settings: Settings) -> dict[str, Any]:
    from publisher.policy.writer import write_all_policies
    from publisher.site.builder import build_site

    run = start_run(session, "build", settings.public_dict())
    policies = write_all_policies(session, settings, settings.policies_dir)
    site = build_site(session, settings, settings.site_dir)
    summary = {"policies": policies, "site": site}
    finish_run(session, run, summary)
    return summary
