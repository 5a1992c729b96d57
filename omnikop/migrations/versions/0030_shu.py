"""Profit sharing (SHU): stored computations with their frozen inputs, and one approval per financial year.

Revision ID: 0030
Revises: 0003
Create Date: 2026-11-29 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0020"
branch_labels = None
depends_on = None

BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "shu_computations",
        sa.Column("id", BIG_KEY, autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("inputs_json", sa.Text(), nullable=False),
        sa.Column("results_json", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shu_computations")),
    )
    with op.batch_alter_table("shu_computations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shu_computations_year"), ["year"], unique=False)
        batch_op.create_index(batch_op.f("ix_shu_computations_inputs_hash"), ["inputs_hash"], unique=False)

    op.create_table(
        "shu_approvals",
        sa.Column("id", BIG_KEY, autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("computation_id", BIG_KEY, nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("approved_by", sa.String(length=120), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["computation_id"],
            ["shu_computations.id"],
            name=op.f("fk_shu_approvals_computation_id_shu_computations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shu_approvals")),
        sa.UniqueConstraint("year", name=op.f("uq_shu_approvals_year")),
    )


def downgrade() -> None:
    op.drop_table("shu_approvals")
    with op.batch_alter_table("shu_computations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shu_computations_inputs_hash"))
        batch_op.drop_index(batch_op.f("ix_shu_computations_year"))
    op.drop_table("shu_computations")
