from flask import Blueprint

# Only the blueprint here: models can be imported without pulling in the routes.
bp = Blueprint("evidence", __name__)
