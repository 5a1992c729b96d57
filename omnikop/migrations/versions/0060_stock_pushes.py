"""Stock pushes: per channel SKU, the last quantity sent and the channel's acknowledgement (stock/models.py).

Revision ID: 0060
Revises: 0050
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0060"
down_revision = "0050"
branch_labels = None
depends_on = None

BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "stock_pushes",
        sa.Column("id", BIG_KEY, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("shop_ref", sa.String(length=80), nullable=False),
        sa.Column("sku_ref", sa.String(length=80), nullable=False),
        sa.Column("product_ref", sa.String(length=80), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_quantity", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw_page_id", BIG_KEY, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_pushes")),
        sa.UniqueConstraint("platform", "shop_ref", "sku_ref", name="uq_stock_pushes_sku"),
    )


def downgrade() -> None:
    op.drop_table("stock_pushes")
