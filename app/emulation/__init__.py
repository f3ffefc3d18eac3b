from flask import Blueprint

# Only the blueprint here: models can be imported without pulling in the routes
# (create_app imports app.emulation.routes when it registers the blueprint).
bp = Blueprint("emulation", __name__)
