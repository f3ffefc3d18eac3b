from flask import Blueprint

# Only the blueprint here: models can be imported without pulling in the routes
# (create_app imports app.milestones.routes when it registers the blueprint).
bp = Blueprint("milestones", __name__)
