"""Every change thi đua – khen thưởng makes, as plain functions, one module per resource:
scoring_tables (criteria, titles), reviews (a review's text and its score sheets),
good_models, proposals (evidence, votes, decisions, comments). Each checks its rule, writes
its audit event in the caller's transaction and raises app.core.errors.Refused (StaleEdit when
the record moved on since the form was read). The caller commits."""
