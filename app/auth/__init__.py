from flask import Blueprint

# Only the blueprint here: models can be imported without pulling in the routes
# (create_app imports app.auth.routes when it registers the blueprint).
bp = Blueprint("auth", __name__)
