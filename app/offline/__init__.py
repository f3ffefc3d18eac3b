from flask import Blueprint

# Only the blueprint here (create_app imports app.offline.routes when it registers it).
bp = Blueprint("offline", __name__)
