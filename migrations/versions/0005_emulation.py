"""thi đua – khen thưởng (issue 6): settings, scoring tables, reviews and scores, good models,
titles of commendation, proposals with their evidence and the council's votes

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("award_title",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("nominee_kind", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_title")),
        sa.UniqueConstraint("name", name=op.f("uq_award_title_name"))
    )
    op.create_table("criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion"))
    )
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_unit_kind"), ["unit_kind"], unique=False)

    op.create_table("emulation_setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_emulation_setting"))
    )
    op.create_table("proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("nominee_kind", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=120), nullable=False),
        sa.Column("person_position", sa.String(length=120), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("achievements", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("votes_yes", sa.Integer(), nullable=False),
        sa.Column("votes_no", sa.Integer(), nullable=False),
        sa.Column("votes_abstain", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("decision_number", sa.String(length=40), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], name=op.f("fk_proposal_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"], name=op.f("fk_proposal_decided_by_id_user_account")),
        sa.ForeignKeyConstraint(["title_id"], ["award_title.id"], name=op.f("fk_proposal_title_id_award_title")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_proposal_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal"))
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_title_id"), ["title_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_year"), ["year"], unique=False)

    op.create_table("review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("shortcomings", sa.Text(), nullable=False),
        sa.Column("directions", sa.Text(), nullable=False),
        sa.Column("signer_name", sa.String(length=100), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_review_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("year", "kind", name="one_review_per_kind")
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_year"), ["year"], unique=False)

    op.create_table("good_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source_report_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_good_model_area_id_area")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], name=op.f("fk_good_model_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["source_report_id"], ["report.id"], name=op.f("fk_good_model_source_report_id_report")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_good_model_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_good_model")),
        sa.UniqueConstraint("source_report_id", name="one_model_per_report")
    )
    with op.batch_alter_table("good_model", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_good_model_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_good_model_year"), ["year"], unique=False)

    op.create_table("proposal_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], name=op.f("fk_proposal_evidence_proposal_id_proposal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_evidence")),
        sa.UniqueConstraint("proposal_id", "kind", "ref_id", name="one_link")
    )
    with op.batch_alter_table("proposal_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_evidence_proposal_id"), ["proposal_id"], unique=False)

    op.create_table("proposal_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("vote", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], name=op.f("fk_proposal_vote_proposal_id_proposal")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_proposal_vote_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_vote")),
        sa.UniqueConstraint("proposal_id", "user_id", name="one_vote_per_member")
    )
    with op.batch_alter_table("proposal_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_vote_proposal_id"), ["proposal_id"], unique=False)

    op.create_table("score_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("base", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("bonus", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("bonus_reason", sa.Text(), nullable=False),
        sa.Column("penalty", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("penalty_reason", sa.Text(), nullable=False),
        sa.Column("total", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("unscored", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_score_sheet_review_id_review")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_score_sheet_unit_id_unit")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], name=op.f("fk_score_sheet_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheet")),
        sa.UniqueConstraint("review_id", "unit_id", name="one_sheet_per_unit")
    )
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheet_review_id"), ["review_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_sheet_unit_id"), ["unit_id"], unique=False)

    op.create_table("score_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("points", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("applicable", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["criterion_id"], ["criterion.id"], name=op.f("fk_score_line_criterion_id_criterion")),
        sa.ForeignKeyConstraint(["sheet_id"], ["score_sheet.id"], name=op.f("fk_score_line_sheet_id_score_sheet")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_line")),
        sa.UniqueConstraint("sheet_id", "criterion_id", name="one_line_per_criterion")
    )
    with op.batch_alter_table("score_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_line_criterion_id"), ["criterion_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_line_sheet_id"), ["sheet_id"], unique=False)



def downgrade():
    with op.batch_alter_table("score_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_line_sheet_id"))
        batch_op.drop_index(batch_op.f("ix_score_line_criterion_id"))

    op.drop_table("score_line")
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_sheet_unit_id"))
        batch_op.drop_index(batch_op.f("ix_score_sheet_review_id"))

    op.drop_table("score_sheet")
    with op.batch_alter_table("proposal_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_vote_proposal_id"))

    op.drop_table("proposal_vote")
    with op.batch_alter_table("proposal_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_evidence_proposal_id"))

    op.drop_table("proposal_evidence")
    with op.batch_alter_table("good_model", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_good_model_year"))
        batch_op.drop_index(batch_op.f("ix_good_model_unit_id"))

    op.drop_table("good_model")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_year"))

    op.drop_table("review")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_year"))
        batch_op.drop_index(batch_op.f("ix_proposal_unit_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_title_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_status"))

    op.drop_table("proposal")
    op.drop_table("emulation_setting")
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_unit_kind"))

    op.drop_table("criterion")
    op.drop_table("award_title")
