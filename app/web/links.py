"""Addresses of the pages that several blueprints and templates link to."""

from flask import url_for


def plan_url(plan, endpoint="plans.show"):
    """The address of a plan's page (or of another page keyed like it, such as its history)."""
    return url_for(endpoint, department_code=plan.department.code, year=plan.year)


def register(app):
    """Give templates `plan_url`."""
    app.jinja_env.globals["plan_url"] = plan_url
