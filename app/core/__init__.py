"""What every domain uses: the database, refusals, permissions, editing, fields, settings,
the web layer, templating, Vietnamese formats, exports, archives and speed-ups."""
