"""Thi đua – khen thưởng's pages, one module per resource: the overview, the settings, the
scoring tables (criteria, titles of commendation), reviews and score sheets, good models,
proposals (evidence, votes, decisions, documents). Importing them puts their views on the
blueprint (app/emulation/__init__.py), each named emulation.<function>.

Routes stay thin: the rules live in scoring, services, settings and documents. Every form
works with JavaScript off (post, redirect, get); the vote is quicker with htmx, which swaps
the votes block of the proposal page."""
from app.emulation.routes import (good_models, overview, proposals, reviews,  # noqa: F401
                                  scoring_tables, settings)
