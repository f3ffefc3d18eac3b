"""Reporting's views, one module per part, each attaching its views to the blueprint
(app/reports/__init__.py): a unit's report (report, spreadsheet, review), the periods, the
commune report and the lists. The rules live in services, figures, completeness, commune
and xlsx; what the views share is in _common."""
from app.reports.routes import (checks, commune_report, lists, periods, report,  # noqa: F401
                                review, spreadsheet)
