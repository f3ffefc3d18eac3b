from flask import Blueprint

# Only the blueprint here: models can be imported without pulling in the routes
# (create_app imports app.notifications.routes when it registers the blueprint).
bp = Blueprint("notifications", __name__)
