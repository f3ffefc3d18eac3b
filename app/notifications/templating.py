"""What templates call from notifications: the signed-in person's "Việc cần làm" and
unread count, read once a request and shared by the header and the home page."""
from app.notifications.todo import current_work


def register_template_globals(app):
    app.jinja_env.globals["my_work"] = current_work
