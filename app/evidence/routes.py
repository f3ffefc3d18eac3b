"""Evidence routes, the same five for each kind of record (app/evidence/owners.py): its files
page, attach, a file, its thumbnail, remove. Each kind has its own endpoints so each
declares the record's own policy action, and a file is served only through the kind it
belongs to. In place with htmx (the block swaps), or post, redirect, get without it."""
from __future__ import annotations

import tempfile
from urllib.parse import quote

from flask import Response, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from app.core.answers import answer
from app.core.editing import save
from app.core.errors import Refused
from app.evidence import bp, service, store
from app.evidence.forms import AttachForm, RemoveForm
from app.evidence.models import EvidenceBlob, EvidenceFile
from app.evidence.owners import OWNERS
from app.core.extensions import db
from app.core.policy import asker, closed_reason, requires

BLOCK = "evidence-block"
# a downloaded file runs nothing and is never read as another type (docs/design.md §7)
FILE_CSP = "sandbox; default-src 'none'"
YEAR = 365 * 24 * 3600
SPOOL = 4 * 1024 * 1024  # a download larger than this waits on disk, not in memory


def block_context(owner, record, files=None, form=None, errors=(), with_removed=False):
    """What templates/evidence/_block.html needs, for a record's page or an htmx answer;
    with_removed: the files page, where the office also sees what was removed, to put back."""
    ask = asker(current_user)
    allowed = ask(owner.attach, record.unit_id)
    # to whoever would otherwise attach: why they cannot (a closed year, a sent report…)
    closed = closed_reason(record) if allowed else None
    may = allowed and closed is None
    restores = (with_removed and ask("evidence.restore", record.unit_id)
                and closed_reason(record) is None)
    return {"owner": owner, "record": record, "closed": closed,
            "removed": service.removed(owner.key, record.id) if restores else (),
            "files": service.live(owner.key, [record.id]) if files is None else files,
            "form": (form or AttachForm(formdata=None)) if may else None,
            "remove": RemoveForm(formdata=None) if may else None,
            "errors": list(errors), "limits": service.limits()}


@bp.app_template_global()
def evidence_block(owner_key: str, record):
    """The list-and-attach block of a record's page: one statement (the files' rows)."""
    return block_context(OWNERS[owner_key], record)


def _uploaded():
    """The posted file and its first bytes, one more than a file may have (attach refuses
    a longer one)."""
    upload = request.files.get("file")
    return upload, upload.stream.read(service.limits()["file"] + 1) if upload else b""


def _attached_said(f, again):
    """A file sent twice is answered as the first was, said once."""
    return None if again else _("Đã đính kèm “%(name)s” (%(kind)s).", name=f.name, kind=f.label)


def _answer(owner, record, status=200, form=None, errors=()):
    ctx = block_context(owner, record, form=form, errors=errors, with_removed=True)
    return answer(BLOCK, lambda: render_block("evidence/page.html", "block", ev=ctx),
                  lambda: render_template("evidence/page.html", ev=ctx), status=status)


def _file_loader(owner, live=False):
    def load(**kwargs):
        """The file, with the unit its record belongs to now: one statement. A file of
        another kind of record is not found here; live: nor one removed (it stays in the
        database for the history, but its address no longer serves it)."""
        stmt = (select(EvidenceFile, owner.model.unit_id)
                .join(owner.model, owner.model.id == EvidenceFile.owner_id)
                .where(EvidenceFile.id == kwargs[owner.file_arg],
                       EvidenceFile.owner_kind == owner.key))
        if live:
            stmt = stmt.where(EvidenceFile.removed_at.is_(None))
        row = db.session.execute(stmt).first()
        if row is None:
            return None
        f, unit_id = row
        f.current_unit_id = unit_id
        return f
    return load


def _file_unit(f):
    return f.current_unit_id


def _register(owner):
    key, id_arg, file_arg = owner.key, owner.id_arg, owner.file_arg

    def load(**kwargs):
        return owner.load(kwargs[id_arg])

    @requires(owner.read, load=load)
    def files(record, **_args):
        return _answer(owner, record)

    @requires(owner.attach, load=load)
    def attach(record, **_args):
        form = AttachForm()
        if not form.validate():  # CSRF: web.py answers a bad token before we get here
            return _answer(owner, record, 400, form,
                           [*form.errors.get("file", []), *form.errors.get("token", [])])
        upload, data = _uploaded()
        try:
            f, again = save(lambda: service.attach(owner, record, data,
                                                   upload and upload.filename,
                                                   form.token.data, current_user)).result
        except Refused as refused:
            return _answer(owner, record, refused.status, AttachForm(formdata=None),
                           refused.messages)
        return answer(BLOCK, lambda: _answer(owner, record),
                      back=owner.page(record) + "#evidence-files", said=_attached_said(f, again))

    @requires(owner.read, load=_file_loader(owner, live=True), unit=_file_unit)
    def download(f, **_args):
        return _send(f)

    @requires(owner.read, load=_file_loader(owner, live=True), unit=_file_unit)
    def thumb(f, **_args):
        body = db.session.scalar(select(EvidenceBlob.thumb).where(EvidenceBlob.id == f.blob_id))
        if not body:
            abort(404)
        response = Response(body, mimetype="image/webp")
        # the URL carries the content's hash: what it names never changes
        response.headers["Cache-Control"] = f"private, max-age={YEAR}, immutable"
        response.headers["Content-Security-Policy"] = FILE_CSP
        return response

    @requires(owner.attach, load=_file_loader(owner), unit=_file_unit)
    def remove(f, **_args):
        record = owner.load(f.owner_id)
        if not RemoveForm().validate():
            raise Refused(status=400)
        save(lambda: service.remove(f, owner, record, current_user))
        return answer(BLOCK, lambda: _answer(owner, record),
                      back=owner.page(record) + "#evidence-files",
                      said=_("Đã gỡ “%(name)s”; tệp vẫn được lưu trong lịch sử.", name=f.name))

    @requires("evidence.restore", load=_file_loader(owner), unit=_file_unit)
    def restore(f, **_args):
        record = owner.load(f.owner_id)
        if not RemoveForm().validate():
            raise Refused(status=400)
        save(lambda: service.restore(f, owner, record, current_user))
        return answer(BLOCK, lambda: _answer(owner, record),
                      back=url_for(f"evidence.{key}_files", **{id_arg: record.id}),
                      said=_("Đã khôi phục “%(name)s” vào hồ sơ.", name=f.name))

    base = f"{owner.prefix}/<int:{id_arg}>/files"
    one = f"/evidence/{key}/<int:{file_arg}>"
    bp.add_url_rule(base, f"{key}_files", files, methods=["GET"])
    bp.add_url_rule(base, f"{key}_attach", attach, methods=["POST"])
    bp.add_url_rule(one, f"{key}_file", download, methods=["GET"])
    bp.add_url_rule(f"{one}/thumb.webp", f"{key}_thumb", thumb, methods=["GET"])
    bp.add_url_rule(f"{one}/remove", f"{key}_remove", remove, methods=["POST"])
    bp.add_url_rule(f"{one}/restore", f"{key}_restore", restore, methods=["POST"])


for _owner in OWNERS.values():
    _register(_owner)


def _send(f: EvidenceFile) -> Response:
    """The content as an attachment (an image inline), never sniffed, never run. Copied from
    its chunks into a spooled file during the request (memory stays bounded, and nothing is
    left reading the database after the request ends), then sent from there."""
    blob = db.session.get(EvidenceBlob, f.blob_id)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)
    for piece in store.chunks(blob.id, blob.store, blob.sha256):
        out.write(piece)
    out.seek(0)
    response = send_file(out, mimetype=f.mimetype, etag=f.sha256, max_age=3600,
                         conditional=True)
    stem = f.name.rsplit(".", 1)[0] if "." in f.name else f.name
    typed = f"{stem}.{f.disk_name.rsplit('.', 1)[-1]}"
    how = "inline" if f.is_image else "attachment"
    response.headers["Content-Disposition"] = (
        f"{how}; filename=\"{f.disk_name}\"; filename*=UTF-8''{quote(typed)}")
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
