"""The province (issue 31): its accounts have no commune. Its administrator adds communes and
their administrators; its emulation board, and the administrator too, pick a commune and read
its pages, writing nothing there (viewing.py)."""
from flask import Blueprint

bp = Blueprint("province", __name__, url_prefix="/province")
