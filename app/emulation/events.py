"""What the emulation tells whoever listens, in the caller's transaction: a proposal's
outcome (the council's vote closed, the chair's decision or refusal). The notifications
connect to it (app/notifications/service.py) to tell the unit, so the emulation's services
import nothing of the notifications: imports between the two go one way."""
from blinker import Namespace

_events = Namespace()

# sent with the proposal and actor=the person who moved it
proposal_decided = _events.signal("proposal-decided")
