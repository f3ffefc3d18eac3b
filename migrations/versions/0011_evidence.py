"""evidence files: blobs in chunks, files attached to records (issue 21)

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evidence_blob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("store", sa.String(length=8), nullable=False),
        sa.Column("thumb", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_blob")),
        sa.UniqueConstraint("sha256", name=op.f("uq_evidence_blob_sha256")),
    )
    op.create_table(
        "evidence_chunk",
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["blob_id"], ["evidence_blob.id"],
                                name=op.f("fk_evidence_chunk_blob_id_evidence_blob")),
        sa.PrimaryKeyConstraint("blob_id", "seq", name=op.f("pk_evidence_chunk")),
    )
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("disk_name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("submission_token", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_evidence_file_unit_id_unit")),
        sa.ForeignKeyConstraint(["blob_id"], ["evidence_blob.id"],
                                name=op.f("fk_evidence_file_blob_id_evidence_blob")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_evidence_file_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["removed_by_id"], ["user_account.id"],
                                name=op.f("fk_evidence_file_removed_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_file")),
        sa.UniqueConstraint("submission_token", name=op.f("uq_evidence_file_submission_token")),
    )
    op.create_index("ix_evidence_file_owner", "evidence_file", ["owner_kind", "owner_id"])
    op.create_index(op.f("ix_evidence_file_unit_id"), "evidence_file", ["unit_id"])
    op.create_index(op.f("ix_evidence_file_blob_id"), "evidence_file", ["blob_id"])


def downgrade():
    op.drop_table("evidence_file")
    op.drop_table("evidence_chunk")
    op.drop_table("evidence_blob")
